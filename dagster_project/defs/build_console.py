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


# The interrupt is raised wherever the main thread is. In the instance's SQLite pool, closing
# a connection, SQLAlchemy logs it with a traceback ("Exception closing connection"), from a
# logger per pool class: their parent's level quiets them all. The pool logs nothing else a
# user could act on (Dagster reports its storage's errors itself).
SQLALCHEMY_POOL_LOGGER = "sqlalchemy.pool"


def hide_interrupts_in_the_instance_storage() -> None:
    logging.getLogger(SQLALCHEMY_POOL_LOGGER).setLevel(logging.CRITICAL)


@dg.logger(config_schema=dg.colored_console_logger.config_schema,
           description="Dagster's colored console logger, quiet about a run the user stopped.")
def build_console(init_context) -> logging.Logger:
    console = dg.colored_console_logger.logger_fn(init_context)
    for handler in console.handlers:
        handler.addFilter(HideInterrupts())
    return console
