#!/usr/bin/env ruby
# frozen_string_literal: true

# Renders every case in test/liquid-corpus/*.json with Shopify's Ruby Liquid
# (Debian's ruby-liquid 5.4: default lax mode, Template.parse(src).render(ctx),
# TZ=UTC) and writes test/liquid-corpus/expected.jsonl, one line per case in
# file order:
#   {"name": …, "output": …}                  rendered cleanly
#   {"name": …, "output": …, "errors": [ … ]} rendered, with "Liquid error" printed inline
#   {"name": …, "error": …}                   Ruby raised (a syntax error, for example)
# plus "invalid_utf8": true when the output was not UTF-8 (written with U+FFFD).
# Run with `npm run liquid:golden`. CI never runs this: it reads the committed file.

ENV["TZ"] = "UTC"
require "json"
require "liquid"

abort "expected Liquid 5.4.x, found #{Liquid::VERSION}" unless Liquid::VERSION.start_with?("5.4.")

corpus = File.expand_path("../test/liquid-corpus", __dir__)
lines = []
Dir[File.join(corpus, "*.json")].sort.each do |file|
  group = JSON.parse(File.read(file))
  group.fetch("cases").each do |c|
    context = c["context"].is_a?(String) ? group.fetch("contexts").fetch(c["context"]) : c["context"]
    # A fresh copy for each case: a render may change what it is given.
    assigns = JSON.parse(JSON.generate(context))
    line = { "name" => c.fetch("name") }
    begin
      template = Liquid::Template.parse(c.fetch("template"))
      output = template.render(assigns).dup.force_encoding(Encoding::UTF_8)
      # Bytes that are not UTF-8 (base64_decode of binary, for one) cannot travel in JSON or a JS string.
      line["invalid_utf8"] = true unless output.valid_encoding?
      line["output"] = output.valid_encoding? ? output : output.scrub("\uFFFD")
      line["errors"] = template.errors.map { |e| e.to_s.dup.force_encoding(Encoding::UTF_8).scrub("\uFFFD") } unless template.errors.empty?
    rescue StandardError => e
      line.delete("output")
      line["error"] = "#{e.class}: #{e.message}"
    end
    lines << JSON.generate(line)
  end
end

File.write(File.join(corpus, "expected.jsonl"), lines.join("\n") + "\n")
puts "#{lines.size} cases rendered with Ruby Liquid #{Liquid::VERSION} into test/liquid-corpus/expected.jsonl"
