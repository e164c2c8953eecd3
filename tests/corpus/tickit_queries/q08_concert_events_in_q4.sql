-- Concert events held in the fourth quarter of 2008
select e.eventname, d.caldate, v.venuename
from event e
join category c on e.catid = c.catid
join date d on e.dateid = d.dateid
join venue v on e.venueid = v.venueid
where c.catgroup = 'Concerts'
and d.qtr = '4'
and d.year = 2008
order by d.caldate;
