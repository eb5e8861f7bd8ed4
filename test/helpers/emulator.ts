// A Concur emulator for integration tests that talk to it without a gateway (datasources, batcher, child processes).
import { createEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/index.js";
import { registerCleanup } from "./cleanup.js";

/** Starts an emulator (default: any free port, no seed); its `stop` is registered with the cleanup registry. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await createEmulator({ port: 0, ...options });
  const stop = registerCleanup(`the emulator at ${emulator.url}`, () => emulator.stop());
  return { ...emulator, stop };
}
