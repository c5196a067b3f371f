/**
 * Draws layout blocks into a real PDF with pdfkit and returns the bytes. Built-in Helvetica covers
 * Latin-1; characters outside it are replaced rather than dropped silently (a `?` is visible).
 * Metadata dates are fixed by the caller when determinism matters (tests), else "now".
 */
import PDFDocument from 'pdfkit';
import type { Block } from './text-blocks.ts';

export interface PdfOptions {
  readonly title: string;
  readonly blocks: readonly Block[];
  readonly pageSize?: 'a4' | 'letter' | 'a5';
  readonly orientation?: 'portrait' | 'landscape';
  readonly author?: string;
  /** Footer text on every page, e.g. the company name. */
  readonly footer?: string;
}

const SIZES = { a4: 'A4', letter: 'LETTER', a5: 'A5' } as const;
const HEADING_SIZES = { 1: 20, 2: 16, 3: 13 } as const;

/** Helvetica (WinAnsi) cannot draw most non-Latin-1 characters. */
function latin1(s: string): string {
  return s
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[^\x09\x0A\x0D\x20-\x7E\xA0-\xFF]/g, '?');
}

export function renderPdf(opts: PdfOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: SIZES[opts.pageSize ?? 'a4'],
      layout: opts.orientation ?? 'portrait',
      margin: 56,
      bufferPages: true,
      info: { Title: latin1(opts.title), Author: latin1(opts.author ?? 'LOOP'), Producer: 'LOOP (pdfkit)' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    doc.font('Helvetica-Bold').fontSize(22).text(latin1(opts.title));
    doc.moveDown(0.8);
    for (const b of opts.blocks) {
      switch (b.kind) {
        case 'heading':
          doc.moveDown(0.4).font('Helvetica-Bold').fontSize(HEADING_SIZES[b.level]).text(latin1(b.text)).moveDown(0.3);
          break;
        case 'paragraph':
          doc.font('Helvetica').fontSize(11).text(latin1(b.text), { align: 'left' }).moveDown(0.6);
          break;
        case 'item':
          doc
            .font('Helvetica')
            .fontSize(11)
            .text(`\u2022  ${latin1(b.text)}`, { indent: 12 })
            .moveDown(0.2);
          break;
        case 'rule': {
          const y = doc.y + 4;
          doc
            .moveTo(doc.page.margins.left, y)
            .lineTo(doc.page.width - doc.page.margins.right, y)
            .stroke();
          doc.moveDown(0.8);
          break;
        }
      }
    }
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Drawing inside the bottom margin would make pdfkit start a new page; lift the margin meanwhile.
      const margin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const bottom = doc.page.height - margin + 16;
      const label = `${opts.footer ? latin1(opts.footer) + '  ·  ' : ''}Page ${i + 1} of ${range.count}`;
      doc
        .font('Helvetica')
        .fontSize(8)
        .text(label, doc.page.margins.left, bottom, {
          width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
          align: 'center',
          lineBreak: false,
        });
      doc.page.margins.bottom = margin;
    }
    doc.end();
  });
}
