/**
 * Pictures for notebooks and reports: image grids ({@link org.beit4j.viz.ImageGrid}), patch
 * boundaries and patch sequences ({@link org.beit4j.viz.PatchGrid}), visual-token maps ({@link
 * org.beit4j.viz.TokenMap}), XChart line and bar charts ({@link org.beit4j.viz.Charts}) and atomic
 * PNG files ({@link org.beit4j.viz.Png}). Everything returns a {@link java.awt.image.BufferedImage}
 * (or an XChart chart), which Jupyter Java kernels display as PNG. Drawing is headless.
 */
package org.beit4j.viz;
