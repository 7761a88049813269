import { Type } from 'typebox';

/** The error envelope every non-2xx response uses. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Object({}, { additionalProperties: true }),
    }),
  },
  { $id: undefined },
);

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const Email = Type.String({ format: 'email', maxLength: 254 });

/** Standard error responses to attach to a route's schema. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, ErrorResponse]));
}
