// Image v1 and Spend Documents v4 (spec: docs/emulator/images-v1.md): receipt and invoice images of the documents partners post.
export { createImagesApi, parseImage, parseSpendDocumentsReceipt, type ImageFetch, type ImageSource, type ImagesApi, type ImagesApiOptions, type LocatedImage } from "./api.js";
export { checkedImageUrl, IMAGE_HOST_DOMAINS } from "./hosts.js";
export { IMAGE_API, IMAGE_SCOPE, imageRequests, imageUrlForms, SPEND_DOCUMENTS_API, SPEND_DOCUMENTS_SCOPE, spendDocumentsRepresentation, type ImageForm, type ImageRequest, type ImageSubject } from "./paths.js";
