# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Batch form shared by every module (telephony.apio.batch).
    DOCUMENTATION = r"""
options:
  batch:
    description:
      - Many users in one task. Each element is a dictionary of the per-user options of this module
        (the same names as in the single form); the options set at the top level of the task are
        defaults that each element may override.
      - Mutually exclusive with O(user).
      - All users share one login and one keep-alive connection pool. Every user is read and validated
        before the first write of the task, and when any user is not valid nothing is written (the
        C(on_invalid) option of the modules that write). A user whose read or write fails for a passing
        reason (no answer, HTTP 429 or 5xx after the retries) does not stop the others; the task fails at
        the end and lists each failed user and why.
      - When a batch names the same user more than once, its entries are applied in order to one
        desired state, written at most once.
    type: list
    elements: dict
  parallel:
    description:
      - How many requests are in flight at once in a batch (1 to 64).
    type: int
    default: 8
  return_unchanged:
    description:
      - Also list the unchanged users in RV(results) (only changed and failed users by default, to keep
        the result of a large batch small).
    type: bool
    default: false
  report:
    description:
      - Write the full detail of the run as JSON to this file on the host that runs the module (the
        controller, for a task on C(localhost)), whatever O(result_limit) left out of the task result. It is
        written in check mode too (it is the plan of the dry run), and an earlier file of the same name is
        removed when the task starts.
      - "The file holds C(check_mode), C(counts), C(msg), C(changes) (the full entry of each changed user,
        with C(previous), C(current) and C(changes)), C(not_written) (the users an invalid user kept from
        being written), C(failed) and C(skipped) (the message of each); an info module writes C(results).
        Keys are sorted and each list element is on a line of its own."
    type: path
  result_limit:
    description:
      - The largest task result, in characters of its text (C(str())). AWX and the automation controller
        replace a result longer than their C(MAX_EVENT_RES_DATA) (700,000 by default) with an empty one,
        C(changed) included.
      - When the result would be longer, detail is left out in this order until it fits - the per-user
        C(diff) beyond a quarter of the limit, then C(previous) and C(current) and C(changes) of each
        entry of RV(results), then the message of each changed user, then whole entries (failed and
        skipped users are kept first). C(counts) always stays whole; C(truncated) says what was left out.
        O(report) keeps everything.
      - V(0) puts no limit (every user's full detail in the result, as in release 1.0.0).
    type: int
    default: 500000
"""

    # The options of the modules that write (not the info modules).
    WRITE = r"""
options:
  on_invalid:
    description:
      - What to do when any user of the task is not valid - bad options, a layout the phone type refuses,
        an unknown user, permission denied (an HTTP 4xx answer to a read, other than 429).
      - V(abort) writes nothing at all and fails, naming each invalid user and why; the users that differ
        are reported as not written (C(blocked)).
      - V(skip) leaves only the invalid users out, writes the others, and fails at the end naming the
        invalid users.
    type: str
    choices: [abort, skip]
    default: abort
  plan:
    description:
      - Apply a saved plan - the O(report) file of a dry run (check mode) of this object, as a reviewer
        approved it - instead of the users and options of the task. Mutually exclusive with O(batch)
        and O(user).
      - The task writes the users of the plan and the values of the plan, nothing else. Each user is read
        first; one still as the plan found it (its C(previous)) is written as planned (its C(current)), one
        already as planned is done, and one that changed on the platform since the plan was made has
        moved (see O(on_moved)).
      - A plan that cannot be read, is not JSON, was edited after it was made (its C(digest) no longer
        matches), is of another object or of another format (C(schema)), is the report of a run that
        wrote, or holds users that failed or were held back, is refused and nothing is written.
      - Applying the same plan twice writes nothing the second time.
    type: path
    version_added: 2.0.0
  on_moved:
    description:
      - What to do with a user of O(plan) that changed on the platform since the plan was made.
      - V(abort) makes the user invalid, naming it and what changed, so that nothing is written (with the
        default O(on_invalid=abort)); make the plan again and review it.
      - V(skip) leaves the moved users alone (listed as skipped) and writes the others.
    type: str
    choices: [abort, skip]
    default: abort
    version_added: 2.0.0
  undo:
    description:
      - Take back a change - the O(report) file of a run that wrote (not check mode) of this object - instead
        of the users and options of the task. Mutually exclusive with O(batch), O(user) and O(plan).
      - An undo is the apply of the reversed plan - each changed user of the report (its C(changes)) is put back
        from its C(current) to its C(previous) - and follows the rules of O(plan) - a user still as the run
        left it is put back, one already put back is done, and one that changed on the platform since the run
        has moved (see O(on_moved)), named, and by default nothing is written.
      - Users the run did not write (failed, held back, left by a stop or a wave) are not in C(changes) and
        are left alone. The report of an undo is itself a report of a run that wrote - undoing an undo
        restores the change. In check mode the undo writes nothing, and its O(report) is a saved plan that
        O(plan) applies as reviewed.
      - A report that cannot be read, is not JSON, was edited (its C(digest) no longer matches), is of another
        object or format, or is the report of a dry run is refused and nothing is written.
    type: path
    version_added: 2.0.0
  waves:
    description:
      - Write the users that differ in successive waves rather than all at once - the sizes of the waves,
        written like the play keyword C(serial) - a number of users, or a percentage of the users to write
        such as V(10%) (rounded down, at least one user). The last size repeats until every user has its
        wave - V([10, "10%", "100%"]) writes 10 users, then a tenth, then the rest.
      - Each wave is written only when every wave before it stayed within O(max_fail_percentage). When one
        does not, nothing more is written and the task fails, saying which wave stopped it, how many users
        were written and how many are left (listed as not written, in RV(results) and the O(report) file).
      - Every user is still read and validated before the first write of the first wave. Progress (the
        roll-out) names the wave. In check mode nothing is written and RV(waves) shows the sizes of the
        waves that the task would write, as does the O(report) file (C(waves)).
      - Not set, every user that differs is written in one go.
    type: list
    elements: raw
    version_added: 2.0.0
  max_fail_percentage:
    description:
      - With O(waves) - the largest share of failed writes in a wave, in percent (0 to 100), as the play
        keyword C(max_fail_percentage) - a wave whose failed writes are more than this share of its users stops
        the run before the next wave. V(0) stops at the first wave with a failed write.
      - Not set, only a wave in which every write failed stops the run (as Ansible stops a play when every
        host of a C(serial) batch failed).
    type: float
    version_added: 2.0.0
"""
