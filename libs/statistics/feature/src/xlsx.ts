import type { Table } from '@vdx/statistics-domain';
import { Workbook } from 'exceljs';

/** A table as an XLSX workbook of one sheet: a bold, frozen header row, columns sized to it (docs/adr/0014-statistics-export.md). */
export async function toXlsx(table: Table): Promise<Buffer> {
  const workbook = new Workbook();
  workbook.creator = 'vdx statistics';
  workbook.created = new Date(0);
  // Sheet names are at most 31 characters and may not hold []:*?/\ .
  const sheet = workbook.addWorksheet(table.title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.headers.map((header) => ({ header, width: Math.min(40, Math.max(10, header.length + 2)) }));
  sheet.getRow(1).font = { bold: true };
  for (const row of table.rows) sheet.addRow([...row]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
