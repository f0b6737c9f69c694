// Plain aligned text tables: cells that start with a number are right-aligned, the rest left-aligned.

const isNumeric = (s) => /^[-+]?\d/.test(s);

/** Prints `rows` (arrays of cells, any value; null → '') under `header`, with an optional title line. */
export function printTable(header, rows, title) {
  const cells = [header, ...rows].map((row) => row.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row) =>
    row.map((c, i) => (isNumeric(c) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  if (title) console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
}

/** Number with `digits` significant-ish decimals: 1234 → '1234', 12.34 → '12.3', 1.234 → '1.23'. */
export function fmt(x, digits = 3) {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 10 ** digits) return x.toFixed(0);
  return x.toFixed(Math.max(0, digits - 1 - Math.floor(Math.log10(abs || 1))));
}

/** A ratio summary as '1.23x (1.10–1.31)': median and p25–p75. */
export function fmtRatio({ median, p25, p75 }) {
  return `${median.toFixed(2)}x (${p25.toFixed(2)}–${p75.toFixed(2)})`;
}
