"""`make bench` (`python -m bot.ops.bench`): how fast and how big the assistant is, against issue 7's targets.

It starts the servers as `make run` does (on free ports, with its own tracker store), then
measures cold start, NLU parse latency in process, reply latency over the REST channel,
throughput with 20 concurrent conversations and the Rasa server's memory over two rounds of
conversations; with --train also `make train` from scratch. It writes results/bench.json and
results/bench.md.
"""
