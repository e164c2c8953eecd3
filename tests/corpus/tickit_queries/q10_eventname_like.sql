-- Events whose names start with 'The', with their ticket revenue
select e.eventname, sum(s.pricepaid) as revenue
from event e
join sales s on s.eventid = e.eventid
where e.eventname like 'The%'
group by e.eventname
order by revenue desc
limit 10;
