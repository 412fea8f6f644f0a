/**
 * The ViT's shape ({@link org.beit4j.config.VitConfig}) and its named presets, shared by the
 * tokenizer (section 1.2), the pretrained backbone (section 1.3) and evaluation.
 */
package org.beit4j.config;
