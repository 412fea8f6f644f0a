/**
 * The ViT's shape ({@link org.beit4j.config.VitConfig}), shared by the tokenizer (section 1.2), the
 * pretrained backbone (section 1.3) and evaluation, and {@link org.beit4j.config.Presets}, the
 * registry of named presets every config record keeps in a {@code PRESETS} field ({@code
 * VitConfig.PRESETS.get("mnist")}); the CLI resolves preset names only through these registries.
 */
package org.beit4j.config;
