/** One table in `npm run bench`: ours beside the peer or the baseline, measured in the same process run. */
export interface BenchSection {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** One-line notes under the table: the aim, and whether it was met. */
  notes?: string[];
}

/** Each bench module exports `run` and is imported by bench/index.ts. */
export type BenchModule = { run(): Promise<BenchSection[]> };
