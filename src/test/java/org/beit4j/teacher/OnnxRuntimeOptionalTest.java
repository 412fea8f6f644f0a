package org.beit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime is an optional dependency: without it OnnxTeacher says so, by name. */
class OnnxRuntimeOptionalTest {

  @Test
  void withoutOnnxRuntimeTheConstructorNamesTheMissingDependency(@TempDir Path dir)
      throws Exception {
    List<URL> urls = new ArrayList<>();
    int dropped = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("onnxruntime")) {
        dropped++;
      } else {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    assertEquals(1, dropped, "the test class path should hold exactly one onnxruntime jar");
    Path model = Files.writeString(dir.resolve("model.onnx"), "not read");
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      Class<?> configClass = loader.loadClass(OnnxTeacherConfig.class.getName());
      Object config =
          configClass.getMethod("of", Path.class, int.class, int.class).invoke(null, model, 28, 7);
      var constructor = loader.loadClass(OnnxTeacher.class.getName()).getConstructor(configClass);
      InvocationTargetException e =
          assertThrows(InvocationTargetException.class, () -> constructor.newInstance(config));
      Throwable cause = e.getCause();
      assertEquals(IllegalStateException.class, cause.getClass(), String.valueOf(cause));
      assertTrue(
          cause.getMessage().contains("com.microsoft.onnxruntime:onnxruntime:1.20.0"),
          cause.getMessage());
    }
  }
}
