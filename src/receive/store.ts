import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AtomicFile } from '../io/atomic-write.js';

/**
 * Where accepted requests go: one OTLP/JSON request per line, as the
 * Collector's file exporter writes them, appended to a temporary file next to
 * the target and renamed into place by `finish` — so `--out` is either the
 * previous file or the whole of this run, never half of it. Without a target
 * the file lives in a temporary directory that `dispose` removes.
 */
export class JsonlStore {
  /** Requests (lines) and bytes written. */
  lines = 0;
  bytes = 0;
  private finished = false;

  private constructor(
    private readonly file: AtomicFile,
    /** The temporary directory to remove, when there was no target. */
    private readonly scratch: string | undefined,
  ) {}

  static async open(target: string | undefined): Promise<JsonlStore> {
    if (target !== undefined) return new JsonlStore(await AtomicFile.open(target), undefined);
    const scratch = await mkdtemp(path.join(tmpdir(), 'tracelint-receive-'));
    return new JsonlStore(await AtomicFile.open(path.join(scratch, 'received.otlp.jsonl')), scratch);
  }

  /** The file's name once finished. */
  get path(): string {
    return this.file.target;
  }

  /** Appends one request; resolves once it is written. */
  async append(line: string): Promise<void> {
    const data = Buffer.from(`${line}\n`);
    await this.file.write(data);
    this.lines++;
    this.bytes += data.length;
  }

  /** Flushes and renames into place. */
  async finish(): Promise<void> {
    await this.file.commit();
    this.finished = true;
  }

  /** Removes what should not outlive the run: the temporary directory, or a temporary file never finished. */
  async dispose(): Promise<void> {
    if (!this.finished) await this.file.abort();
    if (this.scratch !== undefined) await rm(this.scratch, { recursive: true, force: true });
  }
}
