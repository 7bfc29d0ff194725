"""The base form: WTForms' built-in messages speak the user's language through the service's own catalogue.

WTForms ships no Danish messages, so the ones our validators use are listed here for extraction and translated
in ``placement/translations``.
"""

from flask_babel import get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import fields
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from placement.profile import SCALE_MAX, SCALE_MIN
from placement.sanity import field_sanity


class _Translations:
    # The catalogue's raw look-ups: WTForms fills in the placeholders itself.
    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


_TRANSLATIONS = _Translations()


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            # Input sanity (``placement.sanity``), in one place for pages, API and CSV: every field first refuses
            # control characters (NUL…) in its text and numbers beyond the database's integer range.
            field = super().bind_field(form, unbound_field, options)
            field.validators = [field_sanity, *field.validators]
            return field

    def values(self) -> dict:
        """Return the validated data by field name, as the services take it (pages, API and CSV alike)."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class ConvertFirst:
    """A field mixin: a value that cannot be converted gets only the conversion message.

    WTForms records the conversion error (e.g. "Not a valid integer value.") and still runs the validators on the
    empty data, so ``NumberRange`` would add a second, misleading message; here the chain stops instead.
    """

    def pre_validate(self, form):
        # A blank value is no failed conversion: ``Optional`` (clears the error) or ``InputRequired`` decides.
        if self.process_errors and any(isinstance(v, str) and v.strip() for v in self.raw_data or ()):
            raise StopValidation()  # no message of its own: the conversion error is already recorded
        super().pre_validate(form)


class IntegerField(ConvertFirst, fields.IntegerField):
    """A whole number: one message when the value is not a number ("many"), the range check only otherwise."""


class FloatField(ConvertFirst, fields.FloatField):
    """A number: one message when the value is not a number, the range check only otherwise."""


def scale_message():
    return _l("Choose a whole number from %(min)d to %(max)d.", min=SCALE_MIN, max=SCALE_MAX)


class ScaleField(ConvertFirst, fields.RadioField):
    """A 1–5 scale as radio buttons; any other value, number or not, is refused with one specific message."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("choices", [SelectChoice(str(v), str(v)) for v in range(SCALE_MIN, SCALE_MAX + 1)])
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("invalid_value_message", scale_message())
        kwargs.setdefault("invalid_choice_message", scale_message())
        super().__init__(label, validators, **kwargs)
        # Rendered (``_formhelpers.html``) and described (OpenAPI) as the radio buttons it is.
        self.type = "RadioField"


#: WTForms' own messages, as used by this service's validators and fields (for ``pybabel extract``).
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid email address."),
    _l("Not a valid integer value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Not a valid date value."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("File does not have an approved extension: %(extensions)s"),
    _l("File does not have an approved extension."),
    lazy_ngettext("Field must be at least %(min)d character long.",
                  "Field must be at least %(min)d characters long.", 1),
    lazy_ngettext("Field cannot be longer than %(max)d character.",
                  "Field cannot be longer than %(max)d characters.", 1),
    lazy_ngettext("Field must be exactly %(max)d character long.",
                  "Field must be exactly %(max)d characters long.", 1),
    lazy_ngettext("'%(value)s' is not a valid choice for this field.",
                  "'%(value)s' are not valid choices for this field.", 1),
)
