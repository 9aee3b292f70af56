from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .home import panels_for
from .jobs import KINDS
from .models import Job


@login_required
def home(request):
    return render(request, "home.html", {"panels": panels_for(request.user)})


@never_cache
@require_GET
def health(request):
    """Liveness for load balancers and docker-compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
@login_required
@require_GET
def job(request, pk):
    """A job's progress, for its requester or a superuser (a 404 for anyone else). The page
    polls itself through htmx (the progress partial alone) until the job has finished."""
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    template = "htmx/job_progress.html" if request.htmx else "generic/job.html"
    kind = KINDS[job.kind]
    context = {"job": job, "kind": kind.label, "result_url": kind.result_link(job)}
    return render(request, template, context)
