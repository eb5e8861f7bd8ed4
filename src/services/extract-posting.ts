// The long-lived services of posting by file, built once by createServices: the XML APIs' client, edition
// detection, the job follower and download links (docs/posting-by-file.md).
import { createFilesApi, type ConcurClient, type ConcurReader, type FilesApi } from "../datasources/index.js";
import type { FilesConfig } from "../config.js";
import type { GatewayPubSub } from "../subscriptions/index.js";
import type { Logger } from "../logger.js";
import type Keyv from "keyv";
import type { Redis } from "ioredis";
import { createPaymentBatchCloser, type PaymentBatchCloser } from "./extract-batches.js";
import { createEditionService, type EditionService } from "./extract-edition.js";
import { createFileLinks, type FileLinks } from "./extract-files.js";
import { createExtractJobFollower, type ExtractJobFollower } from "./extract-jobs.js";

export interface PostingByFile {
  files: FilesApi;
  editions: EditionService;
  jobs: ExtractJobFollower;
  links: FileLinks;
  /** closePaymentBatch / paymentBatchFile / paymentBatchClose: one close per batch, joined by every caller. */
  batches: PaymentBatchCloser;
  close(): void;
}

export function createPostingByFile(deps: { client: ConcurClient; reader: ConcurReader; pubsub: GatewayPubSub; config: FilesConfig; logger: Logger; store: Keyv; redis?: Redis }): PostingByFile {
  const { config, logger } = deps;
  const files = createFilesApi({ client: deps.client, authScheme: config.xmlAuthScheme });
  const fis = new Set(config.fisCompanies);
  const editions = createEditionService({
    reader: deps.reader,
    files,
    profileV1: config.profileV1,
    recheckMs: config.editionRecheckMs,
    fisEnabled: (companyId) => fis.has("*") || fis.has(companyId.toLowerCase()),
    verifyTokenCompany: async (caller, companyId) => deps.client.verifyTokenCompany?.(caller, companyId),
    logger,
  });
  const jobs = createExtractJobFollower({ files, pubsub: deps.pubsub, logger, minIntervalMs: config.extractPollMinMs, maxIntervalMs: config.extractPollMaxMs, timeoutMs: config.extractFollowTimeoutMs });
  const links = createFileLinks({ secret: config.downloadSecret, ttlSeconds: config.downloadTtlSeconds, publicUrl: config.publicUrl });
  const batches = createPaymentBatchCloser({
    files,
    store: deps.store,
    redis: deps.redis,
    logger,
    answerWithinMs: config.paymentBatchAnswerMs,
    pollMinMs: config.paymentBatchPollMinMs,
    pollMaxMs: config.paymentBatchPollMaxMs,
    closeWaitMs: config.paymentBatchCloseWaitMs,
  });
  return {
    files,
    editions,
    jobs,
    links,
    batches,
    close: () => {
      jobs.close();
      batches.stop();
    },
  };
}
