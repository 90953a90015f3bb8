/**
 * One `npm start` per data folder: dynalite's LevelDB cannot be shared, and a second server on the
 * same folder used to fail later with "Database is closed". The holder writes its pid to
 * `<dataDir>/switchyard.pid` (created exclusively); a second start reads it and refuses, naming the
 * pid. A lock whose pid no longer runs (a crash, kill -9) is stale and taken over.
 */
import { link, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

export const LOCK_FILE = "switchyard.pid";

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another Switchyard (pid ${pid}) is using the data folder ${dataDir}; stop it first, or start ` +
        "this one with SWITCHYARD_DATA_DIR set to another folder.",
    );
    this.name = "DataDirLockedError";
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

/** Whether a process with this pid runs (EPERM: it does, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, "utf8").catch(() => "");
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE);
  // The pid is written first and the lock appears whole (link fails if it exists): a second start
  // never reads a half-written lock.
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, `${process.pid}\n`);
  // Two tries: the second only after removing a stale lock.
  for (let attempt = 0; ; attempt++) {
    try {
      await link(draft, file);
      await unlink(draft);
      return {
        release: async () => {
          // Only our own lock: never one a later holder wrote after ours was taken over.
          if ((await readPid(file)) === process.pid) await unlink(file).catch(() => {});
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) {
        await unlink(draft).catch(() => {});
        throw err;
      }
    }
    const holder = await readPid(file);
    // A pid that no longer runs, or our own (a container restarted with the same pid), is stale;
    // so is a file without a pid (written by hand).
    if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
      await unlink(draft).catch(() => {});
      throw new DataDirLockedError(dataDir, holder);
    }
    await unlink(file).catch(() => {});
  }
}
