from django.shortcuts import get_object_or_404, render

from meetings.models import Meeting


def home(request):
    meetings = Meeting.objects.visible_to(request.user)
    return render(
        request,
        "home.html",
        {"next_meeting": meetings.upcoming().first(), "latest_meetings": meetings.past()[:5]},
    )


def meeting_list(request):
    meetings = Meeting.objects.visible_to(request.user)
    return render(request, "meetings/meeting_list.html", {"upcoming": meetings.upcoming(), "past": meetings.past()})


def meeting_detail(request, slug):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), slug=slug)
    return render(request, "meetings/meeting_detail.html", {"meeting": meeting})
