"""An exam: its questions one by one, a timer counting down, no hints.

A client of the core (pg_exam.Attempt): each answer is graded and recorded
as it is submitted, and the screen says only that it was saved, never how
it was judged nor what the answer was; the score is shown at the end. The
timer counts down from the server's deadline by the attempt's clock; when
it reaches zero the exam ends (the server refuses later answers anyway).
Leaving keeps the attempt: it is resumed, with the time left, until the
deadline.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from drill.core.errors import DrillError
from drill.core.exam import AttemptStatus, Question, TimeUp, points_shown
from drill.core.text import counted
from drill.tui.screens.drill import KIND_NAMES, AnswerArea, CardView, _reason, show_question
from drill.tui.widgets.footer import KeysFooter

EXAM_PLACEHOLDER = "Type the items, one a line or with any separators. Enter makes a new line; Ctrl+S submits."
TICK_S = 0.25  # how often the timer is redrawn (and the clock looked at)
HURRY_S = 60  # the timer turns red in the last minute


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))  # a second not yet over still counts
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


class ExamScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("enter", "done", "Back to the decks", show=False),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(self, attempt, intruders=None, store=None) -> None:
        super().__init__()
        self.attempt = attempt
        self.intruders = intruders
        self.store = store  # records the answers as drill answers too, when the exam moves the schedule
        self.question: Question | None = None
        self.saving = False
        self.over = False
        self.ending = False
        self.score = None
        self.why = ""  # why the exam ended
        self._shown_at = time.monotonic()

    def compose(self) -> ComposeResult:
        yield Header()
        with CardView(id="card"):
            yield Static(id="exam-timer")
            yield Static(id="progress")
            yield Static(id="prompt")
            yield Static(id="context")
        yield Static(id="store-status")
        yield AnswerArea(id="answer", soft_wrap=True, show_line_numbers=False, placeholder=EXAM_PLACEHOLDER)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"exam: {self.attempt.exam.name}"
        self.set_interval(TICK_S, self.tick, name="exam timer")
        self.tick()
        if not self.over:
            self.show_question()

    # --- the timer -----------------------------------------------------------

    def tick(self) -> None:
        if self.over:
            return
        left = self.attempt.seconds_left()
        timer = Text("time left ", style="dim")
        timer.append(clock_text(left), style="bold red" if left <= HURRY_S else "bold")
        self.query_one("#exam-timer", Static).update(timer)
        if left <= 0 or self.attempt.status != AttemptStatus.IN_PROGRESS:
            self.end("time is up" if self.attempt.finished is None else "the exam was finished")

    # --- a question ----------------------------------------------------------

    def show_question(self) -> None:
        pending = self.attempt.pending()
        if not pending:
            self.end("every question answered")
            return
        question = self.question = pending[0]
        card = question.card
        total = len(self.attempt.questions)
        self.query_one("#progress", Static).update(
            Text(f"question {question.position} of {total} · {KIND_NAMES.get(card.kind, card.kind)}", style="dim"))
        show_question(self, card)
        area = self.query_one(AnswerArea)
        area.read_only = False
        area.text = ""
        area.display = True
        area.focus()
        self._shown_at = time.monotonic()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return not self.over
        if action == "done":
            return self.score is not None
        return True

    def action_submit(self) -> None:
        if self.over or self.saving or self.question is None:
            return
        area = self.query_one(AnswerArea)
        self.saving = True
        area.read_only = True
        question, typed, seconds = self.question, area.text, time.monotonic() - self._shown_at
        self.run_worker(lambda: self._save(question, typed, seconds), thread=True, group="exam-save",
                        exit_on_error=False)

    def _save(self, question: Question, typed: str, seconds: float) -> None:
        worker = get_current_worker()
        try:
            self.attempt.answer(question, typed, seconds, intruders=self.intruders, store=self.store)
        except TimeUp:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._refused_late)
            return
        except (DrillError, OSError) as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._not_saved, _reason(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._saved, question)

    def _status(self, message: str, style: str = "dim") -> None:
        status = self.query_one("#store-status", Static)
        status.update(Text(message, style=style))
        status.display = bool(message)

    def _saved(self, question: Question) -> None:
        self.saving = False
        # said without its judgement: nothing gives the answer away before the end
        self._status(f"answer {question.position} saved")
        if not self.over:
            self.show_question()

    def _not_saved(self, reason: str) -> None:
        self.saving = False
        if self.over:
            return
        area = self.query_one(AnswerArea)
        area.read_only = False
        area.focus()
        self._status(f"not saved: {reason}\nyour answer is kept: Ctrl+S tries again", "bold red")

    def _refused_late(self) -> None:
        self.saving = False
        self.end("time is up: the last answer came too late")

    # --- the end -------------------------------------------------------------

    def end(self, why: str) -> None:
        """The exam is over: the attempt is ended on the server, and its score shown."""
        if self.over:
            return
        self.over = True
        self.why = why
        area = self.query_one(AnswerArea)
        area.read_only = True
        area.display = False
        self.query_one("#context", Static).display = False
        self.query_one("#prompt", Static).update(Text(f"The exam is over: {why}.", style="bold"))
        self.query_one("#progress", Static).update("")
        self._status("saving the end of the exam…")
        self.refresh_bindings()
        self.run_worker(self._finish, thread=True, group="exam-end", exit_on_error=False)

    def _finish(self) -> None:
        trouble = ""
        try:
            score = self.attempt.finish()
        except (DrillError, OSError) as exc:
            score = self.attempt.score()
            trouble = f"the end was not saved ({_reason(exc)}); the deadline ends it anyway"
        self.app.call_from_thread(self._show_score, score, trouble)

    def _show_score(self, score, trouble: str = "") -> None:
        self.score = score
        self._status(trouble, "yellow")
        said = Text(f"Your score: {points_shown(score.points)} of {score.total} ({score.percent:g}%)", style="bold")
        said.append(f"\n{score.correct} right · {score.answered} of {score.total} answered", style="dim")
        said.append("\n\nEnter goes back to the decks.", style="italic")
        self.query_one("#context", Static).update(said)
        self.query_one("#context", Static).display = True
        self.query_one("#exam-timer", Static).update(Text(self.why, style="dim"))
        self.refresh_bindings()
        self.query_one(CardView).focus()

    def action_done(self) -> None:
        if self.score is not None:
            self._close()

    def _close(self) -> None:
        self.attempt.close()
        self.app.exam_closed()

    def action_leave(self) -> None:
        if self.score is not None:
            self._close()
            return
        if self.over or self.saving:
            return  # (an answer being saved lands or fails first)

        def chosen(leave: bool | None) -> None:
            if leave:
                self.over = True
                self._close()
            else:
                self.query_one(AnswerArea).focus()

        self.app.push_screen(LeaveExam(), chosen)


class LeaveExam(ModalScreen[bool]):
    """Leave the exam? Its time runs on."""

    BINDINGS = [Binding("y", "choose(True)", "Leave"),
                Binding("n", "choose(False)", "Stay"),
                Binding("escape", "choose(False)", "Stay", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-leave"):
            yield Static(Text("Leave the exam?", style="bold"))
            yield Static(Text("Its time runs on: you may come back to it until the deadline. An answer typed "
                              "and not submitted is lost."))
            yield Static(Text("y: leave · n: stay"))
        yield Footer()

    def action_choose(self, leave: bool) -> None:
        self.dismiss(leave)


class ChooseExam(ModalScreen[str | None]):
    """The trainee's open exams: the one chosen is taken."""

    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, listings) -> None:
        super().__init__()
        self.listings = listings

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-leave"):
            yield Static(Text("Exams open to you", style="bold"))
            yield OptionList(*[Option(f"{e.exam.name} · {e.exam.class_name} · {counted(e.exam.count, 'question')}, "
                                      f"{e.exam.minutes} min · {e.status}", id=str(n))
                               for n, e in enumerate(self.listings)], id="exams")
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
