import { badRequest, notFound } from "../core/errors.js";
import type { Router } from "../core/router.js";
import { xmlGuarded } from "./auth.js";
import { SCOPE_EXTRACT } from "./scopes.js";
import { jobStatus, jobStopTime, type CompanyFiles, type ExtractDefinition, type ExtractJob, type ExtractsContext } from "./store.js";
import { el, EXTRACT_NS, LEGACY_HOST, parseXml, XSI_NS, xmlReply } from "./xml.js";
import { extractFile } from "./files.js";

export const EXTRACT_BASE = "/api/expense/extract/v1.0";
export const EXTRACT_ROUTES = {
  definitions: EXTRACT_BASE,
  definition: `${EXTRACT_BASE}/{definitionId}`,
  jobs: `${EXTRACT_BASE}/{definitionId}/job`,
  job: `${EXTRACT_BASE}/{definitionId}/job/{jobId}`,
  status: `${EXTRACT_BASE}/{definitionId}/job/{jobId}/status`,
  file: `${EXTRACT_BASE}/{definitionId}/job/{jobId}/file`,
} as const;

/** Jobs listed per definition (SAP-docs v1.extracts: "the last 100 jobs"). */
export const JOB_LIST_LIMIT = 100;

/** Absolute legacy-host URLs, as every documented example prints them (ids are not percent-encoded there either). */
const definitionUrl = (id: string) => `${LEGACY_HOST}${EXTRACT_BASE}/${id}`;
const jobUrl = (job: ExtractJob) => `${definitionUrl(job.definitionId)}/job/${job.id}`;
/** UTC without `Z`, with ms, as the examples print `2011-08-25T14:25:22.58`. */
const time = (ms: number) => new Date(ms).toISOString().slice(0, -1);

function definitionXml(def: ExtractDefinition): string {
  return `<definition>${el("id", definitionUrl(def.id))}${el("job-link", `${definitionUrl(def.id)}/job`)}${el("name", def.name)}</definition>`;
}

/**
 * One job. `spelling` is the completed state's word: the job list and job examples print `Complete`, the status page
 * documents `Completed` (DCC-legacy extract-job-resource-get); the emulator answers each operation as documented.
 */
function jobXml(job: ExtractJob, now: number, spelling: "Complete" | "Completed", root = true): string {
  const status = jobStatus(job, now);
  const stop = jobStopTime(job, now);
  const ns = root ? ` xmlns="${EXTRACT_NS}" xmlns:i="${XSI_NS}"` : "";
  return `<job${ns}>${el("id", jobUrl(job))}${el("status-link", `${jobUrl(job)}/status`)}${el("start-time", time(job.createdAt))}` +
    `${el("stop-time", stop === undefined ? undefined : time(stop))}${el("status", status === "Completed" ? spelling : status)}` +
    `${el("file-link", status === "Completed" ? `${jobUrl(job)}/file` : undefined)}</job>`;
}

function requireDefinition(company: CompanyFiles | undefined, id: string): ExtractDefinition {
  const def = company?.definitions.get(id);
  if (!def) throw notFound("extract.definitionNotFound", `Extract definition ${id} not found`);
  return def;
}

function requireJob(company: CompanyFiles | undefined, definitionId: string, jobId: string): ExtractJob {
  requireDefinition(company, definitionId);
  const job = company?.jobs.get(jobId);
  if (!job || job.definitionId !== definitionId) throw notFound("extract.jobNotFound", `Extract job ${jobId} not found`);
  return job;
}

/** Extracts v1.0, the seven operations E1–E7 of docs/emulator/extracts-and-payment-batches.md. */
export function addExtractRoutes(router: Router, ctx: ExtractsContext): void {
  const guard = (handler: Parameters<typeof xmlGuarded>[2]) => xmlGuarded(ctx, SCOPE_EXTRACT, handler, () => ctx.settings.xmlAuthSchemes);
  const add = (method: string, template: string, handler: Parameters<typeof xmlGuarded>[2]) => router.add({ method, template, kind: "concur", handler: guard(handler) });

  add("GET", EXTRACT_ROUTES.definitions, async (_req, grant) => {
    const defs = [...(ctx.store.find(grant.companyId)?.definitions.values() ?? [])];
    return xmlReply(200, `<definitions xmlns="${EXTRACT_NS}" xmlns:i="${XSI_NS}">${defs.map(definitionXml).join("")}</definitions>`);
  });

  add("GET", EXTRACT_ROUTES.definition, async (req, grant) => {
    const def = requireDefinition(ctx.store.find(grant.companyId), req.params.definitionId);
    return xmlReply(200, definitionXml(def).replace("<definition>", `<definition xmlns="${EXTRACT_NS}" xmlns:i="${XSI_NS}">`));
  });

  add("POST", EXTRACT_ROUTES.jobs, async (req, grant) => {
    const company = ctx.store.find(grant.companyId);
    const def = requireDefinition(company, req.params.definitionId);
    const contentType = String(req.headers["content-type"] ?? "");
    if (!/^(application|text)\/xml\b/i.test(contentType)) throw badRequest("Content-Type must be application/xml");
    const parsed = parseXml((await req.body()).toString("utf8"));
    const body = parsed?.definition as Record<string, unknown> | undefined;
    const id = typeof body?.id === "string" ? body.id : undefined;
    if (!id) throw badRequest("Body must be <definition><id>{definition URL}</id></definition>", [{ source: "definition.id", errorCode: "id.required", errorMessage: "id is required" }]);
    // The id is the definition's URL; its last segment must name this definition.
    const last = decodeURIComponent(id.replace(/\/+$/, "").split("/").pop() ?? "");
    if (last !== def.id) throw badRequest("definition id does not match the definition in the path", [{ source: "definition.id", errorCode: "id.mismatch", errorMessage: "must be this definition's id" }]);
    const job: ExtractJob = {
      id: ctx.store.newId(grant.companyId, "job"),
      definitionId: def.id,
      createdAt: ctx.now(),
      queuedMs: ctx.settings.extractJobQueuedMs,
      runMs: ctx.settings.extractJobRunMs,
      outcome: ctx.settings.extractJobOutcome,
    };
    company!.jobs.set(job.id, job);
    return xmlReply(201, jobXml(job, ctx.now(), "Completed"), { location: jobUrl(job) });
  });

  add("GET", EXTRACT_ROUTES.jobs, async (req, grant) => {
    const company = ctx.store.find(grant.companyId);
    const def = requireDefinition(company, req.params.definitionId);
    const jobs = [...company!.jobs.values()].filter((j) => j.definitionId === def.id).slice(-JOB_LIST_LIMIT);
    const now = ctx.now();
    return xmlReply(200, `<jobs xmlns="${EXTRACT_NS}" xmlns:i="${XSI_NS}">${jobs.map((j) => jobXml(j, now, "Complete", false)).join("")}</jobs>`);
  });

  add("GET", EXTRACT_ROUTES.job, async (req, grant) => {
    const job = requireJob(ctx.store.find(grant.companyId), req.params.definitionId, req.params.jobId);
    return xmlReply(200, jobXml(job, ctx.now(), "Complete"));
  });

  add("GET", EXTRACT_ROUTES.status, async (req, grant) => {
    const job = requireJob(ctx.store.find(grant.companyId), req.params.definitionId, req.params.jobId);
    return xmlReply(200, jobXml(job, ctx.now(), "Completed"));
  });

  add("GET", EXTRACT_ROUTES.file, async (req, grant) => {
    const company = ctx.store.find(grant.companyId);
    const job = requireJob(company, req.params.definitionId, req.params.jobId);
    if (jobStatus(job, ctx.now()) !== "Completed") throw notFound("extract.fileNotReady", `Job ${job.id} has no file: it is ${jobStatus(job, ctx.now())}`);
    const file = extractFile(requireDefinition(company, job.definitionId), job);
    return { status: 200, body: file.data, contentType: file.contentType, headers: { "content-disposition": `attachment; filename="${file.filename}"` } };
  });
}
