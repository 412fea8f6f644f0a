/**
 * The frozen teacher whose patch features VQ-KD distils (seed article section 1.2.2 and 1.2.3: the
 * decoder is trained to reproduce the teacher's features, CLIP or DINO in the paper).
 *
 * <p>{@link org.beit4j.teacher.Teacher} is the interface; {@link org.beit4j.teacher.OnnxTeacher}
 * runs a user-exported CLIP/DINO, {@link org.beit4j.teacher.SameDiffTeacher} a SameDiff graph, and
 * {@link org.beit4j.teacher.CnnTeacher} is the built-in stand-in trained on the labels. {@link
 * org.beit4j.teacher.TeacherPreprocessing} resizes and normalises images the way a teacher expects;
 * {@link org.beit4j.teacher.TeacherFeatureCache} keeps computed features on disk.
 */
package org.beit4j.teacher;
