/** The prefixes Docker Scout accepts before an image reference (`registry://node:22`, `fs://./dir`). */
export const IMAGE_SCHEMES: readonly string[] = ['registry', 'local', 'image', 'oci-dir', 'archive', 'fs']
