/* ferry-check.c: one finding of a compatibility check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-check"

#include "config.h"

#include "ferry-check-private.h"

struct _FerryCheck
{
  GObject             parent_instance;

  char               *rule_id;
  FerryCheckSeverity  severity;
  char               *message;
  char               *remedy;
  char               *help_id;
  char               *xapi_error;
  char              **xapi_params;
  GPtrArray          *objects;   /* FerryObject, or NULL when there are none */
};

enum {
  PROP_0,
  PROP_RULE_ID,
  PROP_SEVERITY,
  PROP_MESSAGE,
  PROP_REMEDY,
  PROP_HELP_ID,
  PROP_XAPI_ERROR,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_ENUM_TYPE (FerryCheckSeverity, ferry_check_severity,
  G_DEFINE_ENUM_VALUE (FERRY_CHECK_SEVERITY_NONE, "none"),
  G_DEFINE_ENUM_VALUE (FERRY_CHECK_SEVERITY_NOTE, "note"),
  G_DEFINE_ENUM_VALUE (FERRY_CHECK_SEVERITY_WARNING, "warning"),
  G_DEFINE_ENUM_VALUE (FERRY_CHECK_SEVERITY_BLOCKER, "blocker"))

G_DEFINE_FINAL_TYPE (FerryCheck, ferry_check, G_TYPE_OBJECT)

static char *
make_help_id (const char *rule_id)
{
  g_autofree char *lower = g_ascii_strdown (rule_id, -1);

  return g_strconcat ("rule-", lower, NULL);
}

static void
ferry_check_finalize (GObject *object)
{
  FerryCheck *self = (FerryCheck *)object;

  g_clear_pointer (&self->rule_id, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->remedy, g_free);
  g_clear_pointer (&self->help_id, g_free);
  g_clear_pointer (&self->xapi_error, g_free);
  g_clear_pointer (&self->xapi_params, g_strfreev);
  g_clear_pointer (&self->objects, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_check_parent_class)->finalize (object);
}

static void
ferry_check_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FerryCheck *self = FERRY_CHECK (object);

  switch (prop_id)
    {
    case PROP_RULE_ID:
      g_value_set_string (value, self->rule_id);
      break;

    case PROP_SEVERITY:
      g_value_set_enum (value, self->severity);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    case PROP_REMEDY:
      g_value_set_string (value, self->remedy);
      break;

    case PROP_HELP_ID:
      g_value_set_string (value, ferry_check_get_help_id (self));
      break;

    case PROP_XAPI_ERROR:
      g_value_set_string (value, self->xapi_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_check_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FerryCheck *self = FERRY_CHECK (object);

  /* All construct-only: set once by g_object_new(). */
  switch (prop_id)
    {
    case PROP_RULE_ID:
      g_free (self->rule_id);
      self->rule_id = g_value_dup_string (value);
      break;

    case PROP_SEVERITY:
      self->severity = g_value_get_enum (value);
      break;

    case PROP_MESSAGE:
      g_free (self->message);
      self->message = g_value_dup_string (value);
      break;

    case PROP_REMEDY:
      g_free (self->remedy);
      self->remedy = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_check_class_init (FerryCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_check_finalize;
  object_class->get_property = ferry_check_get_property;
  object_class->set_property = ferry_check_set_property;

  properties [PROP_RULE_ID] =
    g_param_spec_string ("rule-id", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_SEVERITY] =
    g_param_spec_enum ("severity", NULL, NULL,
                       FERRY_TYPE_CHECK_SEVERITY, FERRY_CHECK_SEVERITY_NOTE,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_REMEDY] =
    g_param_spec_string ("remedy", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_HELP_ID] =
    g_param_spec_string ("help-id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_XAPI_ERROR] =
    g_param_spec_string ("xapi-error", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_check_init (FerryCheck *self)
{
  self->severity = FERRY_CHECK_SEVERITY_NOTE;
}

/**
 * ferry_check_new_take:
 * @rule_id: "R12", "X-HOST-DISABLED", …
 * @severity: how bad it is
 * @message: (transfer full): what is wrong, with names
 * @remedy: (transfer full) (nullable): what to do about it
 *
 * The fast constructor the rules use: no GValue round trip.
 */
FerryCheck *
ferry_check_new_take (const char         *rule_id,
                      FerryCheckSeverity  severity,
                      char               *message,
                      char               *remedy)
{
  FerryCheck *self;

  g_return_val_if_fail (rule_id != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (severity > FERRY_CHECK_SEVERITY_NONE, NULL);

  self = g_object_new (FERRY_TYPE_CHECK, NULL);
  self->rule_id = g_strdup (rule_id);
  self->severity = severity;
  self->message = message;
  self->remedy = remedy ? remedy : g_strdup ("");

  return self;
}

FerryCheck *
ferry_check_new (const char         *rule_id,
                 FerryCheckSeverity  severity,
                 const char         *message,
                 const char         *remedy)
{
  return ferry_check_new_take (rule_id, severity, g_strdup (message), g_strdup (remedy));
}

void
_ferry_check_set_xapi_error (FerryCheck         *self,
                             const char         *code,
                             const char * const *params)
{
  g_return_if_fail (FERRY_IS_CHECK (self));

  g_free (self->xapi_error);
  self->xapi_error = g_strdup (code);
  g_strfreev (self->xapi_params);
  self->xapi_params = g_strdupv ((char **) params);
}

const char *
ferry_check_get_rule_id (FerryCheck *self)
{
  g_return_val_if_fail (FERRY_IS_CHECK (self), NULL);

  return self->rule_id;
}

FerryCheckSeverity
ferry_check_get_severity (FerryCheck *self)
{
  g_return_val_if_fail (FERRY_IS_CHECK (self), FERRY_CHECK_SEVERITY_NONE);

  return self->severity;
}

const char *
ferry_check_get_message (FerryCheck *self)
{
  g_return_val_if_fail (FERRY_IS_CHECK (self), NULL);

  return self->message;
}

const char *
ferry_check_get_remedy (FerryCheck *self)
{
  g_return_val_if_fail (FERRY_IS_CHECK (self), NULL);

  return self->remedy;
}

const char *
ferry_check_get_help_id (FerryCheck *self)
{
  g_return_val_if_fail (FERRY_IS_CHECK (self), NULL);

  /* Made on first use: most checks are never opened in the help. */
  if (self->help_id == NULL && self->rule_id != NULL)
    self->help_id = make_help_id (self->rule_id);

  return self->help_id;
}

const char *
ferry_check_get_xapi_error (FerryCheck *self)
{
  g_return_val_if_fail (FERRY_IS_CHECK (self), NULL);

  return self->xapi_error;
}

const char * const *
ferry_check_get_xapi_params (FerryCheck *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (FERRY_IS_CHECK (self), NULL);

  return self->xapi_params ? (const char * const *) self->xapi_params : empty;
}

guint
ferry_check_get_n_objects (FerryCheck *self)
{
  g_return_val_if_fail (FERRY_IS_CHECK (self), 0);

  return self->objects ? self->objects->len : 0;
}

FerryObject *
ferry_check_get_object (FerryCheck *self,
                        guint       index)
{
  g_return_val_if_fail (FERRY_IS_CHECK (self), NULL);

  if (self->objects == NULL || index >= self->objects->len)
    return NULL;

  return g_ptr_array_index (self->objects, index);
}

FerryObject *
ferry_check_find_object (FerryCheck *self,
                         GType       type)
{
  g_return_val_if_fail (FERRY_IS_CHECK (self), NULL);

  for (guint i = 0; self->objects != NULL && i < self->objects->len; i++)
    if (G_TYPE_CHECK_INSTANCE_TYPE (g_ptr_array_index (self->objects, i), type))
      return g_ptr_array_index (self->objects, i);

  return NULL;
}

void
ferry_check_add_object (FerryCheck *self,
                        gpointer    object)
{
  g_return_if_fail (FERRY_IS_CHECK (self));
  g_return_if_fail (object == NULL || FERRY_IS_OBJECT (object));

  if (object == NULL)
    return;

  if (self->objects == NULL)
    self->objects = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->objects->len; i++)
    if (g_ptr_array_index (self->objects, i) == object)
      return;
  g_ptr_array_add (self->objects, g_object_ref (object));
}

char *
ferry_check_to_string (FerryCheck *self)
{
  g_return_val_if_fail (FERRY_IS_CHECK (self), NULL);

  return g_strdup_printf ("%s: %s", self->rule_id, self->message);
}

FerryCheckSeverity
ferry_checks_get_worst (GPtrArray *checks)
{
  FerryCheckSeverity worst = FERRY_CHECK_SEVERITY_NONE;

  for (guint i = 0; checks != NULL && i < checks->len; i++)
    worst = MAX (worst, ferry_check_get_severity (g_ptr_array_index (checks, i)));

  return worst;
}

FerryCheck *
ferry_checks_find (GPtrArray  *checks,
                   const char *rule_id)
{
  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      FerryCheck *check = g_ptr_array_index (checks, i);

      if (g_strcmp0 (check->rule_id, rule_id) == 0)
        return check;
    }

  return NULL;
}
