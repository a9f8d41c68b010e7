from django.contrib import admin

from .models import Commune, Concept, ConceptMapping, Departement, Region, Vocabulary


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee_code", "name", "departement"]
    search_fields = ["insee_code", "name"]


@admin.register(Vocabulary)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "version"]


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ["vocabulary", "code", "label", "level"]
    list_filter = ["vocabulary"]
    search_fields = ["code", "label"]


@admin.register(ConceptMapping)
class ConceptMappingAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "relation"]
