from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int):
    """A page of `queryset` and the query string without `page`, so page links keep the filters."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return page, params.urlencode()
