"""The run's console log: Dagster's own, minus the tracebacks of a run the user stopped.

Ctrl-C stops a build by raising an interrupt in whatever step is running; Dagster logs that
as a failure of the step and of the run, stack and all (~60 lines), though nothing failed.
The event log in the instance keeps every record (the UI shows them); the terminal gets the
build command's one line instead (commands/build_command.py).
"""

import logging

import dagster as dg

INTERRUPT_MARKS = ("DagsterExecutionInterruptedError", "KeyboardInterrupt",
                   "Execution was interrupted")


class HideInterrupts(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(mark in message for mark in INTERRUPT_MARKS)


@dg.logger(config_schema=dg.colored_console_logger.config_schema,
           description="Dagster's colored console logger, quiet about a run the user stopped.")
def build_console(init_context) -> logging.Logger:
    console = dg.colored_console_logger.logger_fn(init_context)
    for handler in console.handlers:
        handler.addFilter(HideInterrupts())
    return console
