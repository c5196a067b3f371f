/** Reports diagnostics positioned in one module file, with the service around it for lookups. */
import { diagnostic, type Diagnostic, type DiagnosticCode } from '../diagnostics.ts';
import type { RawModule, RawService } from './raw-catalogue.ts';
import type { YamlPath } from './yaml-source.ts';

export class Checker {
  constructor(
    readonly service: RawService,
    readonly module: RawModule,
    private readonly out: Diagnostic[],
  ) {}

  report(
    code: DiagnosticCode,
    path: YamlPath,
    part: 'key' | 'value',
    params: Readonly<Record<string, string | number>> = {},
    suggestion?: string,
  ): void {
    this.out.push(diagnostic(code, this.module.source.locate(path, part), params, suggestion));
  }
}
