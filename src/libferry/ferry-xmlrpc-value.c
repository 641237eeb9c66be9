/* ferry-xmlrpc-value.c
 *
 * xapi stores an Async call's return value in task.result as XML-RPC text,
 * even for JSON-RPC clients (xapi.md §6.1). GMarkup reads it into a small
 * element tree, which is then turned into JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-xmlrpc-value"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ferry-error.h"
#include "ferry-xmlrpc-value.h"

#define MAX_DEPTH 64

typedef struct _Element Element;

struct _Element
{
  char      *name;
  GString   *text;
  GPtrArray *children;
  Element   *parent;
};

typedef struct
{
  Element *root;
  Element *current;
  guint    depth;
} Builder;

static void
element_free (Element *element)
{
  g_free (element->name);
  g_string_free (element->text, TRUE);
  g_ptr_array_unref (element->children);
  g_free (element);
}

static void
on_start_element (GMarkupParseContext  *context,
                  const char           *element_name,
                  const char          **attribute_names,
                  const char          **attribute_values,
                  gpointer              user_data,
                  GError              **error)
{
  Builder *builder = user_data;
  Element *element;

  if (++builder->depth > MAX_DEPTH)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "too deeply nested");
      return;
    }

  element = g_new0 (Element, 1);
  element->name = g_strdup (element_name);
  element->text = g_string_new (NULL);
  element->children = g_ptr_array_new_with_free_func ((GDestroyNotify) element_free);
  element->parent = builder->current;

  if (builder->current != NULL)
    g_ptr_array_add (builder->current->children, element);
  else if (builder->root == NULL)
    builder->root = element;
  else
    {
      element_free (element);
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "more than one value");
      return;
    }
  builder->current = element;
}

static void
on_end_element (GMarkupParseContext  *context,
                const char           *element_name,
                gpointer              user_data,
                GError              **error)
{
  Builder *builder = user_data;

  builder->depth--;
  if (builder->current != NULL)
    builder->current = builder->current->parent;
}

static void
on_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 text_len,
         gpointer              user_data,
         GError              **error)
{
  Builder *builder = user_data;

  if (builder->current != NULL)
    g_string_append_len (builder->current->text, text, text_len);
}

static const GMarkupParser markup_parser = {
  on_start_element,
  on_end_element,
  on_text,
  NULL,
  NULL,
};

static JsonNode *convert_value (Element *value, GError **error);

static gboolean
fail (GError     **error,
      const char  *what)
{
  g_set_error (error, FERRY_RPC_ERROR, FERRY_RPC_ERROR_PROTOCOL,
               _("The task result is not a valid XML-RPC value: %s"), what);
  return FALSE;
}

static JsonNode *
convert_scalar (Element  *typed,
                GError  **error)
{
  const char *name = typed->name;
  const char *text = typed->text->str;
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (typed->children->len > 0)
    {
      json_node_unref (node);
      fail (error, name);
      return NULL;
    }

  if (g_str_equal (name, "string") || g_str_equal (name, "dateTime.iso8601"))
    json_node_set_string (node, text);
  else if (g_str_equal (name, "i4") || g_str_equal (name, "int") || g_str_equal (name, "i8"))
    {
      gint64 value;
      g_autofree char *stripped = g_strstrip (g_strdup (text));

      if (!g_ascii_string_to_signed (stripped, 10, G_MININT64, G_MAXINT64, &value, NULL))
        {
          json_node_unref (node);
          fail (error, _("an integer is not a number"));
          return NULL;
        }
      json_node_set_int (node, value);
    }
  else if (g_str_equal (name, "double"))
    {
      char *end = NULL;
      g_autofree char *stripped = g_strstrip (g_strdup (text));
      double value = g_ascii_strtod (stripped, &end);

      if (end == stripped || *end != '\0')
        {
          json_node_unref (node);
          fail (error, _("a double is not a number"));
          return NULL;
        }
      json_node_set_double (node, value);
    }
  else if (g_str_equal (name, "boolean"))
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text));

      if (g_str_equal (stripped, "1") || g_ascii_strcasecmp (stripped, "true") == 0)
        json_node_set_boolean (node, TRUE);
      else if (g_str_equal (stripped, "0") || g_ascii_strcasecmp (stripped, "false") == 0)
        json_node_set_boolean (node, FALSE);
      else
        {
          json_node_unref (node);
          fail (error, _("a boolean is neither 0 nor 1"));
          return NULL;
        }
    }
  else if (g_str_equal (name, "nil"))
    json_node_init_null (node);
  else
    {
      json_node_unref (node);
      fail (error, name);
      return NULL;
    }

  return node;
}

static JsonNode *
convert_array (Element  *array,
               GError  **error)
{
  g_autoptr(JsonArray) out = json_array_new ();
  Element *data;

  if (array->children->len != 1 || !g_str_equal (((Element *) array->children->pdata[0])->name, "data"))
    {
      fail (error, _("an array without data"));
      return NULL;
    }

  data = array->children->pdata[0];
  for (guint i = 0; i < data->children->len; i++)
    {
      Element *child = data->children->pdata[i];
      JsonNode *node;

      if (!g_str_equal (child->name, "value"))
        {
          fail (error, child->name);
          return NULL;
        }
      if (!(node = convert_value (child, error)))
        return NULL;
      json_array_add_element (out, node);
    }

  return json_node_init_array (json_node_alloc (), out);
}

static JsonNode *
convert_struct (Element  *element,
                GError  **error)
{
  g_autoptr(JsonObject) out = json_object_new ();

  for (guint i = 0; i < element->children->len; i++)
    {
      Element *member = element->children->pdata[i];
      Element *name = NULL;
      Element *value = NULL;
      JsonNode *node;

      if (!g_str_equal (member->name, "member"))
        {
          fail (error, member->name);
          return NULL;
        }

      for (guint j = 0; j < member->children->len; j++)
        {
          Element *child = member->children->pdata[j];

          if (g_str_equal (child->name, "name") && name == NULL)
            name = child;
          else if (g_str_equal (child->name, "value") && value == NULL)
            value = child;
          else
            {
              fail (error, child->name);
              return NULL;
            }
        }

      if (name == NULL || value == NULL)
        {
          fail (error, _("a struct member without a name or value"));
          return NULL;
        }
      if (!(node = convert_value (value, error)))
        return NULL;
      json_object_set_member (out, name->text->str, node);
    }

  return json_node_init_object (json_node_alloc (), out);
}

static JsonNode *
convert_value (Element  *value,
               GError  **error)
{
  Element *typed;

  if (value->children->len == 0)
    return json_node_init_string (json_node_alloc (), value->text->str);

  if (value->children->len > 1)
    {
      fail (error, _("a value holds more than one item"));
      return NULL;
    }

  typed = value->children->pdata[0];
  if (g_str_equal (typed->name, "array"))
    return convert_array (typed, error);
  if (g_str_equal (typed->name, "struct"))
    return convert_struct (typed, error);
  return convert_scalar (typed, error);
}

JsonNode *
ferry_xmlrpc_value_parse (const char  *text,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  Builder builder = { NULL, NULL, 0 };
  JsonNode *node = NULL;
  gsize len;

  g_return_val_if_fail (text != NULL, NULL);

  len = length < 0 ? strlen (text) : (gsize) length;

  /* xapi leaves result "" until a task succeeds. */
  {
    g_autofree char *copy = g_strndup (text, len);
    if (*g_strstrip (copy) == '\0')
      return json_node_init_string (json_node_alloc (), "");
  }

  context = g_markup_parse_context_new (&markup_parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &builder, NULL);
  if (!g_markup_parse_context_parse (context, text, len, &local_error) ||
      !g_markup_parse_context_end_parse (context, &local_error))
    fail (error, local_error->message);
  else if (builder.root == NULL || !g_str_equal (builder.root->name, "value"))
    fail (error, _("no <value> element"));
  else
    node = convert_value (builder.root, error);

  if (builder.root != NULL)
    element_free (builder.root);
  return node;
}
