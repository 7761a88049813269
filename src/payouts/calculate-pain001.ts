import { formatScaled, minorDigits } from '../money/index.js';

export interface Pain001Payment {
  endToEndId: string;
  /** minor units of EUR */
  amount: bigint;
  creditorName: string;
  creditorIban: string;
  creditorBic?: string | null;
  remittance: string;
}

export interface Pain001Input {
  messageId: string;
  createdAt: Date;
  executionDate: string;
  initiatorName: string;
  debtorName: string;
  debtorIban: string;
  debtorBic?: string | null;
  payments: readonly Pain001Payment[];
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** SEPA allows a restricted Latin character set; other characters become spaces, length is capped. */
function sepaText(s: string, max: number): string {
  const t = s
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return esc((t || 'NOTPROVIDED').slice(0, max));
}

const eur = (minor: bigint) => formatScaled(minor, minorDigits('EUR'));

function agent(bic: string | null | undefined): string {
  return bic
    ? `<FinInstnId><BIC>${esc(bic)}</BIC></FinInstnId>`
    : '<FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId>';
}

/**
 * A SEPA credit transfer initiation (ISO 20022 pain.001.001.03): one payment information block, EUR,
 * service level SEPA, charges shared (SLEV), one transaction per payout line. Pure: no clock, no I/O.
 */
export function calculatePain001(input: Pain001Input): string {
  const total = input.payments.reduce((a, p) => a + p.amount, 0n);
  const n = input.payments.length;
  const created = input.createdAt.toISOString().slice(0, 19);
  const tx = input.payments
    .map(
      (p) => `      <CdtTrfTxInf>
        <PmtId><EndToEndId>${sepaText(p.endToEndId, 35)}</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">${eur(p.amount)}</InstdAmt></Amt>
        ${p.creditorBic ? `<CdtrAgt>${agent(p.creditorBic)}</CdtrAgt>` : ''}
        <Cdtr><Nm>${sepaText(p.creditorName, 70)}</Nm></Cdtr>
        <CdtrAcct><Id><IBAN>${esc(p.creditorIban)}</IBAN></Id></CdtrAcct>
        <RmtInf><Ustrd>${sepaText(p.remittance, 140)}</Ustrd></RmtInf>
      </CdtTrfTxInf>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>${sepaText(input.messageId, 35)}</MsgId>
      <CreDtTm>${created}</CreDtTm>
      <NbOfTxs>${n}</NbOfTxs>
      <CtrlSum>${eur(total)}</CtrlSum>
      <InitgPty><Nm>${sepaText(input.initiatorName, 70)}</Nm></InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>${sepaText(input.messageId, 35)}</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <NbOfTxs>${n}</NbOfTxs>
      <CtrlSum>${eur(total)}</CtrlSum>
      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>
      <ReqdExctnDt>${input.executionDate}</ReqdExctnDt>
      <Dbtr><Nm>${sepaText(input.debtorName, 70)}</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>${esc(input.debtorIban)}</IBAN></Id></DbtrAcct>
      <DbtrAgt>${agent(input.debtorBic)}</DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>
${tx}
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
`;
}
