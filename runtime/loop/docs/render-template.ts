/**
 * Handlebars rendering for tenant-written templates (documents, notifications, prompts). An
 * isolated Handlebars environment (no helpers registered by anyone else), prototype access off
 * (Handlebars' default since 4.6), and syntax errors reported as 400 `template_error` naming the field.
 */
import Handlebars from 'handlebars';
import { ApiError } from '../../http/api-error.ts';

const hbs = Handlebars.create();

export function renderTemplate(source: string, data: unknown, opts: { field: string; html?: boolean }): string {
  try {
    // HTML templates escape values; plain text (SMS, subjects, Markdown) must not get &amp; entities.
    const tpl = hbs.compile(source, { noEscape: !opts.html, strict: false });
    return tpl(data && typeof data === 'object' ? data : {});
  } catch (err) {
    // Handlebars spreads a parse error over several lines (position, caret, expectation); keep it all on one.
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim().slice(0, 300);
    throw new ApiError(400, 'template_error', `The ${opts.field} template cannot be rendered: ${message}`, {
      fields: { [opts.field]: [`Template error: ${message}`] },
    });
  }
}
