/*
 * assets.h: files embedded in the binary (see assets.S). Each is a
 * read-only byte range, NUL-terminated; ASSET_LEN gives its length.
 */
#ifndef ESSAIM_ASSETS_H
#define ESSAIM_ASSETS_H

#include <stddef.h>

#define ASSET_DECLARE(name) extern const char name[], name##_end[]
#define ASSET_LEN(name) ((size_t)(name##_end - name))

ASSET_DECLARE(asset_communes);          /* data/communes.tsv */
ASSET_DECLARE(asset_departements);      /* data/departements.tsv */
ASSET_DECLARE(asset_regions);           /* data/regions.tsv */
ASSET_DECLARE(asset_rome);              /* data/rome.tsv */
ASSET_DECLARE(asset_rome_appellations); /* data/rome_appellations.tsv */
ASSET_DECLARE(asset_rome_naf);          /* data/rome_naf.tsv */
ASSET_DECLARE(asset_naf);               /* data/naf.tsv */
ASSET_DECLARE(asset_cpv);               /* data/cpv.tsv */
ASSET_DECLARE(asset_cpv_trades);        /* data/cpv_trades.tsv */
ASSET_DECLARE(asset_nuts);              /* data/nuts.tsv */
ASSET_DECLARE(asset_needs);             /* data/needs.tsv */
ASSET_DECLARE(asset_openapi);           /* server/openapi.json */

#endif
