/*
 * tender_ref.h: the reference tables of public tenders: NUTS codes to
 * départements (data/nuts.tsv), CPV codes to the trades that do the work
 * (data/cpv_trades.tsv) and the French labels of CPV codes (data/cpv.tsv).
 *
 * The tables are read once from the embedded assets, on the first call of
 * any function here (pthread_once), and never change after: every
 * function is thread-safe. Returned strings point into that static
 * storage and live as long as the process; callers never free them.
 * A table that could not be loaded (out of memory) behaves as if empty.
 *
 * CPV hierarchy: the nearest ancestor of a code is found by replacing its
 * last non-zero digit after the division (the first two digits) by a
 * zero: 77311000 -> 77310000 -> 77300000 -> 77000000.
 */
#ifndef ESSAIM_TENDER_REF_H
#define ESSAIM_TENDER_REF_H

#include <stddef.h>

/* Room for the départements of any NUTS code (Occitanie, FRJ, has 13). */
#define TENDER_NUTS_MAX_DEPARTEMENTS 16

/* Room for the trades of any row of cpv_trades.tsv (a test checks it). */
#define TENDER_CPV_MAX_TRADES 16

/* tender_nuts_departements: the départements ("76", "2A", "971") of a
 * French NUTS code of level 1, 2 or 3 ("FRD22" -> {"76"}, "FRD2" -> {"27",
 * "76"}, "FRD" -> the five of Normandie), in code order. The code is
 * compared without regard to case. At most max pointers are written to
 * out; returns how many were written: 0 for an unknown code, a non-French
 * one ("LU000"), an Extra-Regio one (FRZZZ) or NULL. */
size_t tender_nuts_departements(const char *nuts, const char **out, size_t max);

/* tender_nuts_label: the label of a French NUTS code as NUTS publishes it
 * ("Seine-Maritime", "Ile-de-France"), or NULL when unknown. */
const char *tender_nuts_label(const char *nuts);

/* tender_cpv_trades: the trades of a CPV code, as references "rome:A1203"
 * then "naf:81.30Z" (ROME codes first, each list in table order). The
 * code is 8 digits, with or without its check digit (as
 * tender_cpv_valid() takes it). The row used is the code's own, else the
 * one of its nearest ancestor that has a row; a row may list no trade (a
 * supply code). At most max pointers are written to out; returns how many
 * were written, 0 when no row applies or the code is malformed. */
size_t tender_cpv_trades(const char *cpv, const char **out, size_t max);

/* tender_cpv_label: the French label of a CPV code from data/cpv.tsv, or
 * of its nearest ancestor listed there ("77311000" -> "Services
 * d'entretien des jardins d'ornement ou d'agrément"; "71336000" ->
 * "Services d'ingénierie" of 71300000). NULL when none is listed or the
 * code is malformed. */
const char *tender_cpv_label(const char *cpv);

/* tender_cpv_valid: s is exactly a CPV code, 8 digits ("77310000"),
 * optionally followed by a dash and its check digit ("77310000-6"). On
 * success writes the 8 digits and a NUL to out and returns 1; otherwise
 * returns 0 and leaves out alone. The check digit must be a digit but is
 * not verified: the algorithm that computes it is not published with the
 * vocabulary (Regulation (EC) 213/2008), and a wrong one would refuse
 * real notices. No surrounding spaces are accepted. */
int tender_cpv_valid(const char *s, char out[9]);

#endif
