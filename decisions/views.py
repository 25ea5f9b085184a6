from django.shortcuts import get_object_or_404, render

from decisions.models import ActionItem, Decision, Document


def decision_list(request):
    decisions = Decision.objects.visible_to(request.user).select_related("meeting")
    return render(request, "decisions/decision_list.html", {"decisions": decisions})


def decision_detail(request, reference):
    decision = get_object_or_404(Decision.objects.visible_to(request.user), reference=reference.strip("/"))
    return render(request, "decisions/decision_detail.html", {"decision": decision})


def document_list(request):
    return render(request, "decisions/document_list.html", {"documents": Document.objects.visible_to(request.user)})


def document_detail(request, slug):
    document = get_object_or_404(Document.objects.visible_to(request.user), slug=slug)
    return render(request, "decisions/document_detail.html", {"document": document})


def action_list(request):
    actions = ActionItem.objects.visible_to(request.user).select_related("meeting")
    return render(request, "decisions/action_list.html", {"actions": actions})
