import { readFileSync } from 'node:fs';
import { parse } from '@babel/parser';
const files = process.argv.slice(2);
let total = 0; const rows = [];
for (const f of files) {
  const code = readFileSync(f, 'utf8');
  const ast = parse(code, { sourceType: 'module', plugins: ['typescript'] });
  const visit = (n, parent) => {
    if (!n || typeof n.type !== 'string') return;
    if (n.type === 'ImportDeclaration' || n.type === 'ExportNamedDeclaration' && n.source || n.type === 'ExportAllDeclaration' || n.type.startsWith('TS')) return;
    if (n.type === 'StringLiteral') { if (n.value.length > 20) rows.push([f, n.value.length, n.value]); return; }
    if (n.type === 'TemplateLiteral') { const t = code.slice(n.start, n.end); if (t.length > 22) rows.push([f, t.length, t.replace(/\s+/g, ' ')]); return; }
    for (const k of Object.keys(n)) { if (k === 'loc' || k === 'leadingComments' || k === 'trailingComments') continue; const v = n[k]; if (Array.isArray(v)) v.forEach((c) => visit(c, n)); else if (v && typeof v.type === 'string') visit(v, n); }
  };
  visit(ast.program);
}
rows.sort((a, b) => b[1] - a[1]);
for (const r of rows) { total += r[1]; console.log(String(r[1]).padStart(4), r[0].replace('src/', ''), r[2].slice(0, 170)); }
console.log('total', total, rows.length);
