// Image v1 (spec: docs/emulator/images-v1.md): receipt and invoice images of the documents partners post.
export { createImagesApi, parseImage, type ImageFetch, type ImagesApi, type ImagesApiOptions, type LocatedImage } from "./api.js";
export { checkedImageUrl, IMAGE_HOST_DOMAINS } from "./hosts.js";
export { IMAGE_API, IMAGE_SCOPE, imageRequests, type ImageForm, type ImageRequest, type ImageSubject } from "./paths.js";
