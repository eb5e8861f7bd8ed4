// Bench preload (node --expose-gc --require): on SIGUSR2, two full GCs, then this process's memory usage written to
// $BENCH_HEAP_FILE as JSON with a sequence number, so the bench can read heap after GC (RSS alone keeps what the heap
// once grew to, and moves with allocator and GC timing).
"use strict";
const { writeFileSync } = require("node:fs");
let seq = 0;
process.on("SIGUSR2", () => {
  if (typeof global.gc === "function") {
    global.gc();
    global.gc();
  }
  writeFileSync(process.env.BENCH_HEAP_FILE, JSON.stringify({ seq: ++seq, ...process.memoryUsage() }));
});
