from django.shortcuts import render


def home(request):
    return render(request, "elections/home.html", {})
