/** Net promoter score from 0–10 answers: promoters (9–10) % − detractors (0–6) %, rounded half-up to 1 decimal. */
export function calculateNps(scores: readonly number[]): {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** null without answers. */
  nps: number | null;
} {
  let promoters = 0;
  let detractors = 0;
  for (const s of scores) {
    if (s >= 9) promoters++;
    else if (s <= 6) detractors++;
  }
  const n = scores.length;
  const passives = n - promoters - detractors;
  if (n === 0) return { responses: 0, promoters, passives, detractors, nps: null };
  // integer arithmetic in tenths of a point: 1000 * (p - d) / n, half away from zero
  const tenths = (1000 * (promoters - detractors)) / n;
  const rounded = Math.sign(tenths) * Math.floor(Math.abs(tenths) + 0.5);
  return { responses: n, promoters, passives, detractors, nps: rounded / 10 };
}
