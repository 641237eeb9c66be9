/* ferry-sim-xva.h: simulated disk contents and the XVA format xapi exports
 * and imports (README.md §12)
 *
 * An XVA is a tar stream: "ova.xml" (the VM's metadata as one XML-RPC
 * value), then each disk as 1 MiB entries "Ref:<n>/<8-digit block>", each
 * followed by "<entry>.checksum" (SHA-1, hex) or "<entry>.xxhash" (XXH64,
 * %016LX). All-zero blocks are left out except the first and the last;
 * two zero tar blocks end the stream. Optionally gzip-compressed as a whole.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ferry-sim-pool.h"

G_BEGIN_DECLS

#define FERRY_SIM_XVA_BLOCK_SIZE ((gint64) 1024 * 1024)

/* Sim attributes of a VDI (never on the wire): the seed of its contents
 * (default: its UUID) and how many bytes of it are written (default:
 * physical_utilisation, at most virtual_size). */
#define FERRY_SIM_ATTR_CONTENT_SEED    "content_seed"
#define FERRY_SIM_ATTR_CONTENT_WRITTEN "content_written"

/* A disk's contents: deterministic and sparse. Of its n blocks of 1 MiB,
 * w = ceil (written / 1 MiB) hold data, spread evenly (block b holds data
 * when ⌊(b + 1)·w / n⌋ > ⌊b·w / n⌋); the others are zero. A written
 * block is an xorshift64* stream seeded by the seed and the block number. */
typedef struct
{
  guint64 seed;
  gint64  virtual_size;
  gint64  n_blocks;
  gint64  n_written;
} FerrySimDiskContent;

void     ferry_sim_disk_content_init    (FerrySimDiskContent       *content,
                                         const char                *seed,
                                         gint64                     virtual_size,
                                         gint64                     written);
void     ferry_sim_disk_content_for_vdi (FerrySimDiskContent       *content,
                                         FerrySimPool              *pool,
                                         FerrySimRow               *vdi);
gboolean ferry_sim_disk_content_is_written (const FerrySimDiskContent *content,
                                         gint64                     block);
/* Bytes in @block (the last one may be short). */
gsize    ferry_sim_disk_content_block_length (const FerrySimDiskContent *content,
                                         gint64                     block);
/* Fills @buffer with the block's bytes (zeros for an unwritten block). */
void     ferry_sim_disk_content_fill    (const FerrySimDiskContent *content,
                                         gint64                     block,
                                         guint8                    *buffer);

/* Export: produces the stream one tar entry at a time. */
typedef struct _FerrySimXvaWriter FerrySimXvaWriter;

FerrySimXvaWriter *ferry_sim_xva_writer_new  (FerrySimPool      *pool,
                                              FerrySimRow       *vm);
/* Appends the next piece to @out; FALSE once everything (trailer included)
 * was appended. */
gboolean ferry_sim_xva_writer_next           (FerrySimXvaWriter *self,
                                              GByteArray        *out);
/* Bytes of disk (written blocks, first and last) sent so far, and in all. */
gint64   ferry_sim_xva_writer_get_done       (FerrySimXvaWriter *self);
gint64   ferry_sim_xva_writer_get_total      (FerrySimXvaWriter *self);
/* The next data block written gets one byte flipped, its checksum left as
 * it was (a corrupt_transfer fault). */
void     ferry_sim_xva_writer_corrupt_next   (FerrySimXvaWriter *self);
void     ferry_sim_xva_writer_free           (FerrySimXvaWriter *self);

/* Import: takes the stream in pieces of any size. */
typedef struct _FerrySimXvaReader FerrySimXvaReader;

/* The VM goes to @sr_ref's SR; @restore keeps the VM's UUID. */
FerrySimXvaReader *ferry_sim_xva_reader_new  (FerrySimPool      *pool,
                                              const char        *sr_ref,
                                              gboolean           restore);
/* FALSE with an XenAPI failure (IMPORT_ERROR_GENERIC […], …) once the
 * stream is wrong; the objects made so far stay until _abort(). */
gboolean ferry_sim_xva_reader_feed           (FerrySimXvaReader *self,
                                              const guint8      *data,
                                              gsize              length,
                                              GError           **error);
/* The body ended: FALSE with IMPORT_ERROR_PREMATURE_EOF if the stream
 * was not complete. */
gboolean ferry_sim_xva_reader_finish         (FerrySimXvaReader *self,
                                              GError           **error);
/* TRUE once the two zero blocks that end an uncompressed stream were
 * read: xapi's import stops reading there (a gzip stream is read to its
 * end of input). */
gboolean ferry_sim_xva_reader_is_complete    (FerrySimXvaReader *self);
/* Deletes what the import made (xapi's cleanup stack). */
void     ferry_sim_xva_reader_abort          (FerrySimXvaReader *self);
/* The new VM's ref once ova.xml was read, else NULL. */
const char *ferry_sim_xva_reader_get_vm_ref  (FerrySimXvaReader *self);
/* Disk bytes received and compared with the source's contents. */
gint64   ferry_sim_xva_reader_get_verified   (FerrySimXvaReader *self);
gint64   ferry_sim_xva_reader_get_total      (FerrySimXvaReader *self);
void     ferry_sim_xva_reader_free           (FerrySimXvaReader *self);

/* Tar helpers, for the tests. */
void     ferry_sim_tar_header                (guint8             header[512],
                                              const char        *name,
                                              gint64             size);

G_END_DECLS
