"""An action plugin of the collection run in the test's process, on the controller's side only: the task
it reads (its arguments, check mode) and no connection."""

from unittest import mock


class Task:
    """What ActionModule.run reads of a task."""

    def __init__(self, action, args, check_mode=False):
        self.args = args
        self.check_mode = check_mode
        self.diff = False
        self.async_val = 0
        self.action = action


def run_action(action_class, name, args, check_mode=False):
    """``action_class`` (an ActionModule) run as the task ``name`` with ``args``: its result."""
    action = action_class(Task(name, args, check_mode), mock.MagicMock(), mock.MagicMock(), loader=None, templar=None,
                          shared_loader_obj=None)
    return action.run(task_vars={})
