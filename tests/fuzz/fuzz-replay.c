/* fuzz-replay.c: runs a fuzz target over files, without libFuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked with one fuzz-*.c, it feeds every file named on the command line
 * (directories: every file in them) to LLVMFuzzerTestOneInput(), so that
 * the seed corpora and every crasher the fuzzers found (regressions/)
 * run as ordinary tests in every build, sanitizers included.
 */
#include "config.h"

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static guint
replay (const char *path)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_path_get_dirname (path);
  gsize length;
  guint n = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS) && g_str_has_suffix (parent, "regressions"))
    {
      g_print ("%s: no regressions yet\n", path);
      return 0;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      const char *name;

      g_assert_no_error (error);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          n += replay (child);
        }
      return n;
    }
  if (!g_file_get_contents (path, &data, &length, &error))
    g_error ("%s", error->message);
  g_print ("%s (%zu bytes)\n", path, length);
  LLVMFuzzerTestOneInput ((const uint8_t *) data, length);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  for (int i = 1; i < argc; i++)
    n += replay (argv[i]);
  g_print ("%u inputs, no crash\n", n);
  return n > 0 ? 0 : 1;
}
