import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateDealTerms } from './validate-deal-terms.js';

const dir = fileURLToPath(new URL('../../docs/examples/deals/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('docs/examples/deals', () => {
  it('has one example per vertical and a unified deal', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'igaming-hybrid.json',
        'forex-ib.json',
        'prop-influencer.json',
        'unified-creator.json',
      ]),
    );
  });
  it.each(files)('%s validates', (file) => {
    const r = validateDealTerms(JSON.parse(readFileSync(dir + file, 'utf8')));
    if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors)}`);
    expect(r.terms.schemaVersion).toBe(1);
  });
});

describe('docs/deals.md', () => {
  it('shows each example exactly as the validated file', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/deals.md', import.meta.url)), 'utf8');
    for (const file of files) expect(doc).toContain(readFileSync(dir + file, 'utf8'));
  });
});
