import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import type { Database } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { type PartnerRow, recordPartnerEvent } from './partner-store.js';

/** Opens a 0–10 NPS survey (optionally for one segment); audited `nps_survey.opened`. Returns its id. */
export async function openNpsSurvey(
  trx: Transaction<Database>,
  actor: Actor,
  input: { question: string; segment?: string | undefined; closesAt?: string | undefined },
  now: Date,
): Promise<string> {
  const id = uuidv7();
  await trx
    .insertInto('nps_surveys')
    .values({
      id,
      question: input.question,
      segment: input.segment ?? null,
      opened_by: actor.id,
      opened_at: now,
      closes_at: input.closesAt ?? null,
    })
    .execute();
  await appendAudit(
    trx,
    actor,
    { action: 'nps_survey.opened', entityType: 'nps_survey', entityId: id, after: { ...input } },
    now,
  );
  return id;
}

/**
 * A partner answers a survey once (0–10): audited `nps.answered` and on the partner's timeline. A survey of
 * another segment is not found; a closed survey or a second answer is a conflict. `userId` null: answered
 * outside the portal.
 */
export async function answerNpsSurvey(
  trx: Transaction<Database>,
  actor: Actor,
  input: {
    partner: PartnerRow;
    surveyId: string;
    score: number;
    comment?: string | undefined;
    userId: string | null;
  },
  now: Date,
): Promise<void> {
  const p = input.partner;
  const sv = await trx
    .selectFrom('nps_surveys')
    .selectAll()
    .where('id', '=', input.surveyId)
    .executeTakeFirst();
  if (!sv || (sv.segment !== null && !p.segments.includes(sv.segment))) throw notFound('Survey');
  if (sv.closes_at && sv.closes_at <= now) throw new AppError('CONFLICT', 'This survey is closed.');
  const r = await trx
    .insertInto('nps_answers')
    .values({
      survey_id: sv.id,
      partner_id: p.id,
      score: input.score,
      comment: input.comment ?? null,
      answered_by: input.userId,
      answered_at: now,
    })
    .onConflict((oc) => oc.columns(['survey_id', 'partner_id']).doNothing())
    .returning('score')
    .executeTakeFirst();
  if (!r) throw new AppError('CONFLICT', 'You already answered this survey.');
  await appendAudit(
    trx,
    actor,
    {
      action: 'nps.answered',
      entityType: 'nps_survey',
      entityId: sv.id,
      detail: { partnerId: p.id, score: input.score },
    },
    now,
  );
  await recordPartnerEvent(
    trx,
    actor,
    p.id,
    'nps',
    `answered NPS survey: ${input.score}`,
    { surveyId: sv.id },
    now,
  );
}
