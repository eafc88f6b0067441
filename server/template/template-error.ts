// TemplateError: a fatal problem in a SAM template, always reported as `file:line:col: what is wrong`
// so the user can jump straight to the offending node.

export interface SourcePos {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export class TemplateError extends Error {
  readonly code = 'EPH_ERR_TEMPLATE';
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** The problem alone, without the `file:line:col` prefix. */
  readonly detail: string;

  constructor(file: string, detail: string, pos?: SourcePos) {
    const where = pos ? `${file}:${pos.line}:${pos.column}` : file;
    super(`${where}: ${detail}`);
    this.name = 'TemplateError';
    this.file = file;
    this.detail = detail;
    if (pos) {
      this.line = pos.line;
      this.column = pos.column;
    }
  }
}
