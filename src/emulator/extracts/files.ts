import type { ExtractDefinition, ExtractJob, PaymentBatch } from "./store.js";
import { zipStored } from "./zip.js";

export interface EmulatedFile {
  data: Buffer;
  contentType: "text/csv" | "application/zip";
  filename: string;
}

const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * A job's file. SAE is a delimited flat file (`100,AAA,BBBB,CCCC,...` in SAP-docs v1.extracts); its real column map is
 * the SAE xlsx, not transcribed, so the rows here only look the part [INFERRED]. Definitions producing several files
 * answer a ZIP of them (E7).
 */
export function extractFile(def: ExtractDefinition, job: ExtractJob): EmulatedFile {
  const batch = date(job.createdAt);
  const header = `100,${def.name.replace(/,/g, " ")},${job.id},${batch}`;
  const lines = [header];
  for (let i = 1; i <= 5; i++) lines.push(`200,RPT-${String(i).padStart(4, "0")},EMP-${100 + i},${(i * 37.25).toFixed(2)},USD,${batch}`);
  lines.push(`900,${lines.length + 1}`);
  const csv = Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8");
  if (!def.multiFile) return { data: csv, contentType: "text/csv", filename: `extract_${batch}.txt` };
  const detail = Buffer.from(`300,${job.id},LINE-1,100.00\r\n300,${job.id},LINE-2,250.50\r\n`, "utf8");
  return { data: zipStored([{ name: `extract_${batch}.txt`, data: csv }, { name: `extract_detail_${batch}.txt`, data: detail }]), contentType: "application/zip", filename: `extract_${batch}.zip` };
}

/** A closed batch's file: a ZIP of `.IIF` + GL `.CSV` (the documented QuickBooks example) or one CSV. */
export function batchFile(batch: PaymentBatch, key: string): EmulatedFile {
  const csv = Buffer.from(`BatchName,BatchID,Total,Currency,Count\r\n"${batch.name}",${batch.guid},${batch.total},${batch.currency},${batch.count}\r\n`, "utf8");
  if (batch.fileFormat === "csv") return { data: csv, contentType: "text/csv", filename: `batch_${batch.guid}.csv` };
  const iif = Buffer.from(`!TRNS\tTRNSID\tTRNSTYPE\tAMOUNT\r\nTRNS\t${key}\tCHECK\t-${batch.total}\r\nENDTRNS\r\n`, "utf8");
  return { data: zipStored([{ name: `batch_${batch.guid}.IIF`, data: iif }, { name: `batch_${batch.guid}_GL.CSV`, data: csv }]), contentType: "application/zip", filename: `batch_${batch.guid}.zip` };
}
