"""URL patterns of a record type, built from its views (no per-model boilerplate classes)."""

from django.urls import path

from .views import imports, records


def record_urls(
    prefix: str,
    *,
    model,
    namespace: str,
    form_class,
    list_view=None,
    detail_view=None,
    services=None,
    import_view=imports.ImportView,
) -> list:
    """list/detail (when given), create, update, delete, history for one model under `prefix`;
    a model with a list also gets its spreadsheet import (`import_view`) and the guide to its
    spreadsheets' columns.

    `services`, when given, has `create` and `update` with the signatures of core.services'
    create_record / update_record, for models whose writes carry domain rules.
    """
    name = model._meta.model_name
    common = {"model": model, "namespace": namespace, "has_list": list_view is not None}
    form_view = records.RecordFormView.as_view(
        form_class=form_class,
        **common,
        **(
            {"create_service": services.create, "update_service": services.update}
            if services
            else {}
        ),
    )
    patterns = [
        path(f"{prefix}/nouveau/", form_view, name=f"{name}_create"),
        path(f"{prefix}/<int:pk>/modifier/", form_view, name=f"{name}_update"),
        path(
            f"{prefix}/<int:pk>/supprimer/",
            records.RecordDeleteView.as_view(**common),
            name=f"{name}_delete",
        ),
        path(
            f"{prefix}/<int:pk>/historique/",
            records.RecordHistoryView.as_view(**common),
            name=f"{name}_history",
        ),
    ]
    if list_view is not None:
        patterns.append(
            path(
                f"{prefix}/",
                list_view.as_view(form_class=form_class, **common),
                name=f"{name}_list",
            )
        )
        patterns.append(
            path(
                f"{prefix}/colonnes/",
                imports.ColumnGuideView.as_view(form_class=form_class, **common),
                name=f"{name}_columns",
            )
        )
        patterns.append(
            path(
                f"{prefix}/importer/",
                import_view.as_view(
                    form_class=form_class, services=services or records.DefaultServices, **common
                ),
                name=f"{name}_import",
            )
        )
    if detail_view is not None:
        patterns.append(
            path(f"{prefix}/<int:pk>/", detail_view.as_view(**common), name=f"{name}_detail")
        )
    return patterns
