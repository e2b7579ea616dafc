import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from samenbieb.network.generate import (
    LOANS,
    PERSONS,
    SCALES,
    STEPS,
    network_generate,
    scale_libraries,
    synthetic_network_delete,
)


class Command(BaseCommand):
    help = (
        "Replace the synthetic benchmark network (ISILs NL-Gen…) with a new one. "
        "Other organisations, such as the demo network, are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            default="small",
            help=f"{', '.join(f'{name} ({n} libraries)' for name, n in SCALES.items())}, "
            "or a number of libraries (default: small).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same network.")
        parser.add_argument(
            "--records",
            type=int,
            help="Synthetic catalogue records built from the real MARC records "
            "(default: the scale's; 'national' has 1,000,000).",
        )
        parser.add_argument(
            "--items",
            type=int,
            help="Synthetic items (default: the scale's; 'national' 2,000,000).",
        )
        parser.add_argument(
            "--persons",
            type=int,
            help="Synthetic members with cards and memberships (default: the scale's: "
            + ", ".join(f"{name} {n:,}" for name, n in PERSONS.items())
            + "). They get no password.",
        )
        parser.add_argument(
            "--loans",
            type=int,
            help="Synthetic loans over the last three years, of the synthetic copies by the "
            "synthetic members; those still out today are open (default: the scale's: "
            + ", ".join(f"{name} {n:,}" for name, n in LOANS.items())
            + ", none for the others).",
        )
        parser.add_argument(
            "--delete", action="store_true", help="Only delete the synthetic network."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["delete"]:
            synthetic_network_delete()
            self.stdout.write(
                f"Synthetic network deleted in {time.perf_counter() - started:.1f} s."
            )
            return
        scale: str = options["scale"]
        try:
            scale_libraries(scale)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        bar = tqdm(total=len(STEPS) + 1, unit="step") if self.stdout.isatty() else None

        def progress(step: str) -> None:
            if bar is not None:
                bar.set_postfix_str(step)
                bar.update()

        def detail(message: str) -> None:
            # Inside a long step (records, items, persons): "persons 250,000/1,000,000".
            if bar is not None:
                bar.set_postfix_str(message)

        try:
            for name in ("records", "items", "persons", "loans"):
                if options[name] is not None and options[name] < 0:
                    raise CommandError(f"--{name} must not be negative")
            network = network_generate(
                scale=scale,
                seed=options["seed"],
                progress=progress,
                records=options["records"],
                items=options["items"],
                persons=options["persons"],
                loans=options["loans"],
                detail=detail,
            )
        finally:
            if bar is not None:
                bar.close()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic network {network.scale!r} (seed {network.seed}) "
                f"generated in {elapsed:.1f} s:"
            )
        )
        for table, count in network.counts.items():
            self.stdout.write(f"  {table.replace('_', ' '):<20} {count:>10,}")
