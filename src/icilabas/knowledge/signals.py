"""A change to the glossary marks every long text again (knowledge.markup caches them) and
renews the synonyms a search is widened with."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .markup import glossary_changed
from .models import Term, TermVariant


@receiver(post_save, sender=Term)
@receiver(post_delete, sender=Term)
@receiver(post_save, sender=TermVariant)
@receiver(post_delete, sender=TermVariant)
def _term_saved(**kwargs) -> None:
    glossary_changed()


@receiver(m2m_changed, sender=Term.related.through)
def _terms_related(**kwargs) -> None:
    glossary_changed()
