/** A JSON value, as kept in user and system attributes. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
