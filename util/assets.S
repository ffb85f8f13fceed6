/*
 * assets.S: files embedded in the binary, so that essaim needs nothing
 * beside itself: the reference data of data/ and the OpenAPI document.
 * Each asset NAME gets the symbols NAME (first byte) and NAME_end (one
 * past the last byte, where a NUL is added). See assets.h.
 */
.macro ASSET name, file
    .section .rodata.\name, "a"
    .global \name
    .global \name\()_end
    .balign 16
\name:
    .incbin "\file"
\name\()_end:
    .byte 0
.endm

ASSET asset_communes, "data/communes.tsv"
ASSET asset_departements, "data/departements.tsv"
ASSET asset_regions, "data/regions.tsv"
ASSET asset_rome, "data/rome.tsv"
ASSET asset_rome_appellations, "data/rome_appellations.tsv"
ASSET asset_rome_naf, "data/rome_naf.tsv"
ASSET asset_naf, "data/naf.tsv"
ASSET asset_cpv, "data/cpv.tsv"
ASSET asset_cpv_trades, "data/cpv_trades.tsv"
ASSET asset_nuts, "data/nuts.tsv"
ASSET asset_needs, "data/needs.tsv"
ASSET asset_openapi, "server/openapi.json"

.section .note.GNU-stack, "", @progbits
