import { Type } from 'typebox';
import { SEGMENTS, TAX_FORM_STATUSES } from './partner-store.js';

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const SegmentT = Type.Union(SEGMENTS.map((x) => Type.Literal(x)));
export const TaxFormStatusT = Type.Union(TAX_FORM_STATUSES.map((x) => Type.Literal(x)));
export const Country = Type.String({ pattern: '^[A-Z]{2}$' });
export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
export const Tier = Type.String({ pattern: '^[a-z0-9_-]{1,32}$' });
export const Tag = Type.String({ pattern: '^[A-Za-z0-9 _.-]{1,40}$' });

export const Address = Type.Object(
  {
    line1: Type.Optional(Type.String({ maxLength: 200 })),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    city: Type.Optional(Type.String({ maxLength: 100 })),
    postcode: Type.Optional(Type.String({ maxLength: 20 })),
    region: Type.Optional(Type.String({ maxLength: 100 })),
    country: Type.Optional(Country),
  },
  { additionalProperties: false },
);

/** Contact and company fields a partner and its manager may edit. */
export const ContactFields = {
  displayName: Type.String({ minLength: 1, maxLength: 200 }),
  legalName: Nullable(Type.String({ maxLength: 200 })),
  contactName: Nullable(Type.String({ maxLength: 200 })),
  phone: Nullable(Type.String({ pattern: '^\\+?[0-9 ()-]{5,30}$' })),
  website: Nullable(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 500 })),
  companyName: Nullable(Type.String({ maxLength: 200 })),
  companyNumber: Nullable(Type.String({ maxLength: 60 })),
  vatNumber: Nullable(Type.String({ maxLength: 40 })),
  address: Nullable(Address),
  country: Nullable(Country),
};

const base = {
  id: Type.String(),
  displayName: Type.String(),
  email: Nullable(Type.String()),
  country: Nullable(Type.String()),
  status: Type.String(),
  statusReason: Nullable(Type.String()),
  segments: Type.Array(Type.String()),
  legalName: Nullable(Type.String()),
  contactName: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  website: Nullable(Type.String()),
  companyName: Nullable(Type.String()),
  companyNumber: Nullable(Type.String()),
  vatNumber: Nullable(Type.String()),
  address: Nullable(Type.Object({}, { additionalProperties: true })),
  tier: Type.String(),
  taxFormStatus: Type.String(),
  commissionHeld: Type.Boolean(),
  payoutsBlocked: Type.Boolean(),
  onboardedAt: Nullable(Type.String()),
  activatedAt: Nullable(Type.String()),
  createdAt: Type.String(),
};

export const PartnerView = Type.Object({
  ...base,
  managerUserId: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  notes: Nullable(Type.String()),
  statusChangedAt: Nullable(Type.String()),
  erasedAt: Nullable(Type.String()),
  brands: Type.Optional(
    Type.Array(Type.Object({ brandId: Type.String(), parentPartnerId: Nullable(Type.String()) })),
  ),
});

export const PortalPartnerView = Type.Object({ ...base, notice: Nullable(Type.String()) });

export const PaymentDetailsBody = Type.Object(
  {
    method: Type.Union([Type.Literal('bank_transfer'), Type.Literal('crypto'), Type.Literal('ewallet')]),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    details: Type.Record(
      Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,39}$' }),
      Type.String({ maxLength: 200 }),
      {
        maxProperties: 12,
      },
    ),
  },
  { additionalProperties: false },
);

export const PaymentDetailsView = Type.Object({
  partnerId: Type.String(),
  method: Type.String(),
  currency: Type.String(),
  details: Type.Record(Type.String(), Type.String()),
  updatedAt: Type.String(),
});

export const TimelineEntry = Type.Object({
  id: Type.String(),
  occurredAt: Type.String(),
  kind: Type.String(),
  summary: Type.String(),
  detail: Type.Object({}, { additionalProperties: true }),
  actorType: Type.String(),
  actorId: Nullable(Type.String()),
});

export const LinkView = Type.Object({
  id: Type.String(),
  code: Type.String(),
  brandId: Type.String(),
  segment: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  landingUrl: Nullable(Type.String()),
  subIds: Type.Record(Type.String(), Type.String()),
  status: Type.String(),
  createdAt: Type.String(),
});

export const PromoCodeView = Type.Object({
  id: Type.String(),
  code: Type.String(),
  brandId: Type.String(),
  segment: Type.String(),
  status: Type.String(),
  createdAt: Type.String(),
});
